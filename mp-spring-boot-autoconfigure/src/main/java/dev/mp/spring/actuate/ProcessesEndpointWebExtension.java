package dev.mp.spring.actuate;

import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.mp.spring.actuate.ProcessesEndpoint.ProcessDescriptor;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ProcessesEndpoint}: terminating answers with the
 * status that says what happened.
 */
@EndpointWebExtension(endpoint = ProcessesEndpoint.class)
public class ProcessesEndpointWebExtension {

	static final int STATUS_CONFLICT = 409;

	private final ProcessesEndpoint delegate;

	public ProcessesEndpointWebExtension(ProcessesEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Sends SIGTERM to a live child and its descendants: 200 with the child; 404 for a pid that is no child of this
	 * application (never signalled); 409 with its exit facts for a child that has already exited (never signalled:
	 * its pid may be another process's by now).
	 */
	@DeleteOperation
	public WebEndpointResponse<ProcessDescriptor> terminate(@Selector long pid) {
		ProcessDescriptor child = this.delegate.process(pid);
		if (child == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		if (!child.alive()) {
			return new WebEndpointResponse<>(child, STATUS_CONFLICT);
		}
		return new WebEndpointResponse<>(this.delegate.terminate(pid));
	}

}

package dev.mp.spring.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.mp.ProcessTemplate;
import dev.mp.spring.actuate.ProcessesEndpoint;
import dev.mp.spring.actuate.ProcessesEndpointWebExtension;

/**
 * Registers the {@code processes} actuator endpoint when the actuator is present and the endpoint is available, and its
 * web extension when it is exposed over HTTP.
 */
@AutoConfiguration(after = MpAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(ProcessTemplate.class)
@ConditionalOnAvailableEndpoint(ProcessesEndpoint.class)
public final class ProcessesEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProcessesEndpoint processesEndpoint(ProcessTemplate processTemplate) {
		return new ProcessesEndpoint(processTemplate);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ProcessesEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ProcessesEndpointWebExtension processesEndpointWebExtension(ProcessesEndpoint processesEndpoint) {
		return new ProcessesEndpointWebExtension(processesEndpoint);
	}

}

package dev.mp.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails the test class if a child process of the test JVM that started while the class ran is still alive after its
 * last test (after a grace of {@link #timeoutSeconds()} for processes on their way out), then kills those processes,
 * and only those: descendants of this JVM, found with {@link ProcessHandle}. Processes alive before the class are
 * left alone.
 * <p>
 * Declare it before {@code @SpringBootTest}, so that it checks after Spring's extension has closed the class's
 * context, and close that context at the end of the class ({@code @DirtiesContext}): a context kept in Spring's test
 * context cache keeps its workers until the test JVM exits.
 *
 * <pre>{@code
 * @NoLeftoverProcesses
 * @SpringBootTest(properties = { "mp.pools.default.size=1", "mp.pools.default.min-idle=0" })
 * @DirtiesContext
 * class ReportServiceIntegrationTests { ... }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LeftoverProcessesExtension.class)
public @interface NoLeftoverProcesses {

	/** How long the check waits for the class's child processes to exit before it fails. */
	int timeoutSeconds() default 15;

}

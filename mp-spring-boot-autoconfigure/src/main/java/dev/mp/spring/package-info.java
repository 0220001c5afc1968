/**
 * Spring Boot integration of mp: the {@link dev.mp.spring.WorkerProcess} annotation.
 */
@NullMarked
package dev.mp.spring;

import org.jspecify.annotations.NullMarked;

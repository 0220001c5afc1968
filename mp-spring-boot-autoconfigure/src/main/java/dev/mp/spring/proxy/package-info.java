/**
 * The advisor and interceptor that send {@code @WorkerProcess} calls to workers.
 */
@NullMarked
package dev.mp.spring.proxy;

import org.jspecify.annotations.NullMarked;

/**
 * The Spring application the benchmark's {@code @WorkerProcess} rows call.
 */
@NullMarked
package dev.mp.bench.spring;

import org.jspecify.annotations.NullMarked;

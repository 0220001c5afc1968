/**
 * Small programs that measure the floors: a bare JVM start, socket and shared-memory echoes.
 */
@NullMarked
package dev.mp.bench.floor;

import org.jspecify.annotations.NullMarked;

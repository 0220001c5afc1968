/**
 * The engine's worker side: the child JVM's main class, its runtime, bootstrap and watch of its parent.
 */
@NullMarked
package dev.mp.internal.worker;

import org.jspecify.annotations.NullMarked;

/**
 * The engine's worker log events, both sides: the worker's Logback events taken in place of its console lines, the
 * compact form they cross in, the worker's bounded queue and sender, and the parent's emitting of them through its
 * own logging. Only the classes named {@code Logback*} touch Logback, and only once it is known to be there.
 */
@NullMarked
package dev.mp.internal.logging;

import org.jspecify.annotations.NullMarked;

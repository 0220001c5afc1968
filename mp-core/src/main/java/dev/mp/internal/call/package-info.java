/**
 * The engine's call encoding, shared by both sides: what a call carries (tasks, bean-method invocations, failures)
 * and mp's compact form of plain calls.
 */
@NullMarked
package dev.mp.internal.call;

import org.jspecify.annotations.NullMarked;

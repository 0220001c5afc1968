/**
 * The engine's call encoding, shared by both sides: what a call carries (tasks, bean-method invocations, failures),
 * mp's compact form of plain calls, the one encoder that picks compact or codec form per call, and the caller's
 * handle on a call until its one answer.
 */
@NullMarked
package dev.mp.internal.call;

import org.jspecify.annotations.NullMarked;

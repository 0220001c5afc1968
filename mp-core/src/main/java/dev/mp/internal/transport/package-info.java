/**
 * The engine's call transport, the same code on both sides: how a call or an answer travels (through a pool worker's
 * mailbox, staged in shared memory, or over the socket) and how one that arrived either way is read.
 */
@NullMarked
package dev.mp.internal.transport;

import org.jspecify.annotations.NullMarked;

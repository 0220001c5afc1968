/**
 * The engine's call mailbox: calls and answers of a pool worker passed through shared memory instead of the
 * socket.
 */
@NullMarked
package dev.mp.internal.mailbox;

import org.jspecify.annotations.NullMarked;

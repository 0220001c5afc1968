/**
 * The engine's socket transport: frames, the HMAC handshake, TLS for remote workers, and the plain values frames
 * carry.
 */
@NullMarked
package dev.mp.internal.wire;

import org.jspecify.annotations.NullMarked;

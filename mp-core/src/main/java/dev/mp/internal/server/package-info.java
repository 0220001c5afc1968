/**
 * The door workers connect through: a Unix socket (and, for remote workers, a TLS port) where each new connection
 * must prove its worker's secret before it is handed to the child that expects it.
 */
@NullMarked
package dev.mp.internal.server;

import org.jspecify.annotations.NullMarked;

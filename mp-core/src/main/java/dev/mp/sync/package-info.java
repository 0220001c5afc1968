/**
 * Locks, semaphores, events, barriers, queues, pipes, values, maps, lists and namespaces shared between processes,
 * passable to children as arguments.
 */
@NullMarked
package dev.mp.sync;

import org.jspecify.annotations.NullMarked;

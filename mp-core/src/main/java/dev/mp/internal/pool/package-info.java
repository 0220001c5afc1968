/**
 * A pool's engine: the scheduler that hands tasks to workers, times them out and cancels them, and the bookkeeping
 * that starts, retires and replaces workers. It sees a worker only as a {@link dev.mp.internal.pool.PoolWorker} and time
 * only through a {@link dev.mp.internal.pool.PoolClock}, so it is tested without forking.
 */
@NullMarked
package dev.mp.internal.pool;

import org.jspecify.annotations.NullMarked;

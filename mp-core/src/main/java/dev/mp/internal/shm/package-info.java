/**
 * The engine's shared memory: mapped files with atomic slots, and how a receiving process decodes shared objects'
 * messages.
 */
@NullMarked
package dev.mp.internal.shm;

import org.jspecify.annotations.NullMarked;

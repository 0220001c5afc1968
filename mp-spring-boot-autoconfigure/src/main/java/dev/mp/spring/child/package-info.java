/**
 * The {@code spring} bootstrap mode: a worker boots the application's own context.
 */
@NullMarked
package dev.mp.spring.child;

import org.jspecify.annotations.NullMarked;

/**
 * The {@code processes} health contributor.
 */
@NullMarked
package dev.mp.spring.health;

import org.jspecify.annotations.NullMarked;

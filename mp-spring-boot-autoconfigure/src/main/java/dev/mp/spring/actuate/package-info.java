/**
 * The {@code processes} actuator endpoint.
 */
@NullMarked
package dev.mp.spring.actuate;

import org.jspecify.annotations.NullMarked;

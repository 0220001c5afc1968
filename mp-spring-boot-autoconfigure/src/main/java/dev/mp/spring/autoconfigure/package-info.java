/**
 * Auto-configuration of mp and its {@code mp.*} properties.
 */
@NullMarked
package dev.mp.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Micrometer meters of mp's pools and workers.
 */
@NullMarked
package dev.mp.spring.metrics;

import org.jspecify.annotations.NullMarked;

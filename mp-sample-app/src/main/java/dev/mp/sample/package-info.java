/**
 * A sample application that uses mp's features.
 */
@NullMarked
package dev.mp.sample;

import org.jspecify.annotations.NullMarked;

/**
 * Calls as Micrometer observations: the parent's {@code mp.call}, whose trace a worker continues.
 */
@NullMarked
package dev.mp.spring.observation;

import org.jspecify.annotations.NullMarked;

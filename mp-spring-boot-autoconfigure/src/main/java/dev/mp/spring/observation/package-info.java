/**
 * Calls as Micrometer observations, the parent's {@code mp.call}, whose trace a worker continues; and the
 * context-propagation values a call carries to its worker.
 */
@NullMarked
package dev.mp.spring.observation;

import org.jspecify.annotations.NullMarked;

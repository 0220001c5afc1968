/**
 * What mp's own modules plug into: worker launchers (local JVMs, Kubernetes pods), child bootstrap modes, the codec
 * and the bean-call value. Not for applications.
 */
@NullMarked
package dev.mp.spi;

import org.jspecify.annotations.NullMarked;

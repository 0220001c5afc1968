/**
 * mp's fast codec, Apache Fory behind mp's class allow-list, which mp-core finds as a {@link dev.mp.spi.CodecProvider}
 * when this module is on the class path.
 */
@NullMarked
package dev.mp.codec.fory;

import org.jspecify.annotations.NullMarked;

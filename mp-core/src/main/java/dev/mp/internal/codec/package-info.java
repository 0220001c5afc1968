/**
 * The engine's value codec: JDK serialization behind the class allow-list, with size and depth limits.
 */
@NullMarked
package dev.mp.internal.codec;

import org.jspecify.annotations.NullMarked;

/**
 * The engine's worker image and command: class path, fat-jar extraction, class-data archives, the cache directory,
 * and the local launcher.
 */
@NullMarked
package dev.mp.internal.launch;

import org.jspecify.annotations.NullMarked;

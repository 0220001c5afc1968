/**
 * Side-by-side measurements of mp, its floors and Python's multiprocessing.
 */
@NullMarked
package dev.mp.bench;

import org.jspecify.annotations.NullMarked;

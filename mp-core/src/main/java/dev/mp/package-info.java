/**
 * mp's API: {@link dev.mp.ProcessTemplate} starts child JVMs as processes, single calls and pools; the exceptions
 * an application catches live here too.
 */
@NullMarked
package dev.mp;

import org.jspecify.annotations.NullMarked;

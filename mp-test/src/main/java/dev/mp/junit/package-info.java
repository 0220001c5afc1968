/**
 * Test support for applications that use mp: {@link dev.mp.junit.NoLeftoverProcesses @NoLeftoverProcesses} fails a
 * test class that leaves a child process of the test JVM alive.
 */
@NullMarked
package dev.mp.junit;

import org.jspecify.annotations.NullMarked;

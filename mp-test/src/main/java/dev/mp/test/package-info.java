/**
 * Test support for applications that use mp: {@link dev.mp.test.NoLeftoverProcesses @NoLeftoverProcesses} fails a
 * test class that leaves a child process of the test JVM alive.
 */
@NullMarked
package dev.mp.test;

import org.jspecify.annotations.NullMarked;

/**
 * A worker launcher that starts pool workers as Kubernetes pods.
 */
@NullMarked
package dev.mp.kubernetes;

import org.jspecify.annotations.NullMarked;

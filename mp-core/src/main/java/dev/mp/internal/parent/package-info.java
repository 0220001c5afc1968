/**
 * The parent side of a child JVM: its lifecycle (`ChildJvm`) and read-only view (`ChildView`), its start and
 * handshake, its connection carrying calls and answers, and the template's runtime that launches, keeps and stops
 * children.
 */
@NullMarked
package dev.mp.internal.parent;

import org.jspecify.annotations.NullMarked;

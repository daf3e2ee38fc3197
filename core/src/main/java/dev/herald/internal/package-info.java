/**
 * Implementation details shared between Herald's modules. Not part of the public API: anything
 * here may change without notice.
 */
package dev.herald.internal;

/**
 * Ready-made, thread-safe defaults for every host service: in-memory stores, an in-memory player
 * directory and an executor-based scheduler, so {@code Herald.builder().build()} works with
 * nothing else supplied. Suitable for tests, demos and single-node hosts that accept losing state
 * on restart.
 */
package dev.herald.embedded;

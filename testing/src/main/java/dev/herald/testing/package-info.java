/**
 * What Herald's users need in their own tests: a {@link dev.herald.testing.MutableClock}, a
 * {@link dev.herald.testing.ManualScheduler}, abstract contract tests for every store SPI, and
 * (in sub-packages) mock push services that speak the real protocols.
 */
package dev.herald.testing;

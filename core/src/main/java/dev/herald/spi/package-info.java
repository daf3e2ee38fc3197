/**
 * What hosts and modules plug into Herald: push providers, the stores for subscriptions,
 * campaigns and delivery events, the player directory, the audience resolver, the scheduler and
 * the compliance guard. Time comes from a {@link java.time.Clock} given to the
 * {@link dev.herald.Herald} builder, so tests can use a fake one.
 *
 * <p>Every interface has an embedded default in {@code dev.herald.embedded} and, for the stores,
 * an abstract contract test in {@code herald-testing} that a host's implementation can extend.
 */
package dev.herald.spi;

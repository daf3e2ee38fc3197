package dev.herald;

/**
 * What {@link Herald#erasePlayer} removed or anonymised.
 *
 * @param devices devices removed, with their addresses and history
 * @param deliveries delivery records anonymised (they still count in campaign statistics)
 * @param pendingSends delayed trigger sends removed
 */
public record PlayerErasure(int devices, int deliveries, int pendingSends) {}

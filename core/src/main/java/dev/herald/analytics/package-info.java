/**
 * What was sent, delivered, clicked and why not: delivery records, the event log, per-campaign
 * and per-variant statistics, the communication log per player, and click and conversion tracking
 * through {@link dev.herald.analytics.Analytics}.
 */
package dev.herald.analytics;

/**
 * Push subscription state: devices and their addresses, the statuses ASK, ALLOWED, BLOCKED,
 * UNSUPPORTED and SUSPENDED, and the {@link dev.herald.subscription.Subscriptions} state machine
 * that moves devices between them.
 */
package dev.herald.subscription;

/**
 * Trigger rules on player events: deposits, logins, tournaments, cashback, inactivity. See
 * {@link dev.herald.trigger.Triggers} and {@link dev.herald.trigger.TriggerRule}.
 */
package dev.herald.trigger;

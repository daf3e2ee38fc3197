/**
 * Campaigns — mass, scheduled, recurring — with A/B variants and control groups, their lifecycle,
 * and transactional sends. See {@link dev.herald.campaign.Campaigns} and
 * {@link dev.herald.campaign.TransactionalSends}.
 */
package dev.herald.campaign;

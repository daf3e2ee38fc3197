/**
 * What a notification says: the {@link dev.herald.content.Notification} itself, its
 * {@link dev.herald.content.NotificationType} and {@link dev.herald.content.Purpose}, action
 * buttons and urgency.
 */
package dev.herald.content;

/**
 * Implementation of the FCM provider: the OAuth2 JWT-bearer token source, the message encoder and
 * the mapping of FCM answers to {@link dev.herald.spi.SendResult}s. Not part of Herald's public
 * API; it may change in any release.
 */
package dev.herald.fcm.internal;

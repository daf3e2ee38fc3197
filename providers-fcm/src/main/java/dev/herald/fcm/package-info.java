/**
 * Firebase Cloud Messaging over the HTTP v1 API: {@link dev.herald.fcm.FcmProvider} sends Herald
 * notifications to Android, iOS and web app instances registered with Firebase, authenticating with
 * a Google {@link dev.herald.fcm.ServiceAccount} through the OAuth2 JWT-bearer grant.
 */
package dev.herald.fcm;

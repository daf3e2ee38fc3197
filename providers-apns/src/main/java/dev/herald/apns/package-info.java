/**
 * Apple Push Notification service: {@link dev.herald.apns.ApnsProvider} sends over APNs' HTTP/2
 * provider API with a {@link dev.herald.apns.ApnsSigningKey} (.p8, token authentication) or an
 * {@link dev.herald.apns.ApnsClientCertificate} (PKCS#12); {@link dev.herald.apns.ApnsNotification}
 * and {@link dev.herald.apns.ApnsPayload} express everything APNs accepts, and
 * {@link dev.herald.apns.ApnsRejectionReason} every answer it documents. See {@code docs/apns.md}.
 */
package dev.herald.apns;

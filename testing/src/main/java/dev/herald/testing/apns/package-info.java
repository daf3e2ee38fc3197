/**
 * A local APNs for integration tests: {@link dev.herald.testing.apns.MockApnsServer} speaks the
 * HTTP/2 provider API over TLS, checks provider tokens, topics and device tokens as APNs does, and
 * answers as told ({@link dev.herald.testing.apns.MockApnsAnswer},
 * {@link dev.herald.testing.apns.MockApnsFault}); {@link dev.herald.testing.apns.MockApnsCredentials}
 * generates throw-away keys and certificates.
 */
package dev.herald.testing.apns;

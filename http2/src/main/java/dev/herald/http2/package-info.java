/**
 * An event-loop HTTP/2 client for one push service host (APNs, FCM): TLS with ALPN {@code h2}, a
 * small pool of connections that respects each server's {@code SETTINGS_MAX_CONCURRENT_STREAMS},
 * a bounded queue of requests waiting for a free stream, and a deadline on every request so every
 * future completes. Providers build on {@link dev.herald.http2.Http2Client}; hosts never need to.
 */
package dev.herald.http2;

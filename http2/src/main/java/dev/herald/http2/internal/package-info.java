/** The connection pool, the per-connection Netty handler and the TLS set-up; not API. */
package dev.herald.http2.internal;

/**
 * How {@link dev.herald.apns.ApnsProvider} talks to APNs: connections and their stream limits,
 * provider tokens, requests and responses. Not part of the public API: anything here may change
 * without notice.
 */
package dev.herald.apns.internal;

package dev.herald.testing.apns;

/**
 * Transport misbehaviour a {@link MockApnsServer} can be switched into, to test what a client
 * does when the connection, not APNs, goes wrong. A fault applies to every request that arrives
 * while it is set.
 */
public enum MockApnsFault {
  /** Behave. */
  NONE,
  /** Read the request, record it, and never answer (until the server closes). */
  NO_ANSWER,
  /** Read the request, record it, then close the TCP connection without answering. */
  DROP_CONNECTION,
  /**
   * Answer, then send GOAWAY on the connection: streams the server had not read yet are refused
   * and must be sent again on a new connection. With this mock, streams still being answered on
   * that connection fail too (a limitation of MockWebServer; Apple lets them finish).
   */
  GO_AWAY_AFTER_RESPONSE
}

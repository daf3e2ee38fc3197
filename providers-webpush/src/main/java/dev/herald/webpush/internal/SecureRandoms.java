package dev.herald.webpush.internal;

import java.security.SecureRandom;

/** One {@link SecureRandom} per thread, so that concurrent senders do not contend on a lock. */
final class SecureRandoms {
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private SecureRandoms() {}

  static SecureRandom current() {
    return RANDOM.get();
  }
}

package dev.herald.http2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Which TLS the module's tests ran on. They run twice (see the pom): once with BoringSSL on the
 * class path, where it must be in use on Linux x86-64, and once with Netty's switch turning it
 * off, where the JDK's TLS must be.
 */
class TlsContextTest {
  private static final boolean OPENSSL_OFF = Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl");

  @Test
  void theSwitchedOffRunUsesTheJdksTls() {
    assumeTrue(OPENSSL_OFF, "the run with OpenSSL switched off");
    assertThat(TlsContext.OPENSSL).isFalse();
  }

  @Test
  void theDefaultRunUsesOpenSslWhereItLoads() {
    assumeTrue(!OPENSSL_OFF, "the run with BoringSSL on the class path");
    assumeTrue("Linux".equals(System.getProperty("os.name"))
        && "amd64".equals(System.getProperty("os.arch")), "the native jar is for Linux x86-64");
    assertThat(TlsContext.OPENSSL).isTrue();
  }
}

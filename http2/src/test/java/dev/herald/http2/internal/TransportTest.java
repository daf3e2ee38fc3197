package dev.herald.http2.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Which transport and TLS the client's tests ran on. The module's tests run twice (see its
 * pom): once with epoll and BoringSSL on the class path, where both must be in use on Linux
 * x86-64, and once with Netty's switches turning them off, where NIO and the JDK's TLS must be.
 */
class TransportTest {
  private static final boolean NATIVE_OFF = Boolean.getBoolean("io.netty.transport.noNative");
  private static final boolean OPENSSL_OFF = Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl");

  @Test
  void theSwitchedOffRunUsesNioAndTheJdksTls() {
    assumeTrue(NATIVE_OFF && OPENSSL_OFF, "the run with native code switched off");
    assertThat(Transport.EPOLL).isFalse();
    assertThat(Transport.describe()).isEqualTo("nio");
    assertThat(TlsContext.OPENSSL).isFalse();
  }

  @Test
  void theDefaultRunUsesEpollAndOpenSslWhereTheyLoad() {
    assumeTrue(!NATIVE_OFF && !OPENSSL_OFF, "the run with native code on the class path");
    assumeTrue("Linux".equals(System.getProperty("os.name"))
        && "amd64".equals(System.getProperty("os.arch")), "the native jars are for Linux x86-64");
    assertThat(Transport.EPOLL).isTrue();
    assertThat(Transport.describe()).isEqualTo("epoll");
    assertThat(TlsContext.OPENSSL).isTrue();
  }
}

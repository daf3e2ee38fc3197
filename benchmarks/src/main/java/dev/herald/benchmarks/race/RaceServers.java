package dev.herald.benchmarks.race;

import com.eatthepath.pushy.apns.server.AcceptAllPushNotificationHandlerFactory;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import dev.herald.benchmarks.fcm.AnsweringFcmServer;
import dev.herald.benchmarks.webpush.AnsweringServer;
import dev.herald.testing.fcm.MockFcmService;
import java.nio.file.Files;
import java.nio.file.Path;
import okhttp3.tls.HeldCertificate;

/**
 * The servers of {@link PeerRace}, in a process of their own so that the race's process CPU time
 * is the clients' alone: Pushy's {@code MockApnsServer} (accept-all), a plain Netty HTTP/2
 * answering server for FCM, and a plain HTTP/1.1 answering server for Web Push. None of them
 * belongs to a raced client. Writes what the clients need into a directory, then serves until
 * killed.
 */
public final class RaceServers {
  private RaceServers() {}

  /**
   * Starts the servers.
   *
   * @param args the directory to write {@code apns-port}, {@code apns.pem}, {@code fcm-url},
   *     {@code fcm.pem}, {@code fcm-account.json}, {@code webpush-endpoint} and {@code ready} into
   * @throws Exception when a server cannot start
   */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);

    HeldCertificate apnsCert = new HeldCertificate.Builder()
        .addSubjectAlternativeName("localhost").build();
    Path certFile = Files.writeString(dir.resolve("apns.pem"), apnsCert.certificatePem());
    Path keyFile = Files.writeString(dir.resolve("apns-key.pem"), apnsCert.privateKeyPkcs8Pem());
    MockApnsServer apns = new MockApnsServerBuilder()
        .setServerCredentials(certFile.toFile(), keyFile.toFile(), null)
        .setHandlerFactory(new AcceptAllPushNotificationHandlerFactory())
        .setUseAlpn(true) // as APNs does
        .build();
    int apnsPort = apns.start(0).get();
    Files.writeString(dir.resolve("apns-port"), Integer.toString(apnsPort));

    AnsweringFcmServer fcm = new AnsweringFcmServer();
    Files.writeString(dir.resolve("fcm.pem"), apnsCertPem(fcm));
    Files.writeString(dir.resolve("fcm-url"), fcm.baseUrl());
    Files.writeString(dir.resolve("fcm-account.json"),
        MockFcmService.throwAwayServiceAccountJson("herald-bench", fcm.baseUrl() + "/token"));

    AnsweringServer webPush = new AnsweringServer(false);
    Files.writeString(dir.resolve("webpush-endpoint"), webPush.endpoint());

    Files.writeString(dir.resolve("ready"), "ready");
    System.out.println("race servers ready: APNs port " + apnsPort + ", FCM " + fcm.baseUrl()
        + ", Web Push " + webPush.endpoint());
    Thread.currentThread().join();
  }

  /**
   * Starts the servers in a child process on this process's class path and waits until they are
   * ready.
   *
   * @param dir the directory the servers write what clients need into
   * @param inheritIO whether the child prints to this process's output
   * @param jvmArgs extra JVM options of the child, space-separated (such as a JFR recording)
   * @return the child process; destroy it when done
   * @throws Exception when the servers do not start within two minutes
   */
  static Process startInChildProcess(Path dir, boolean inheritIO, String jvmArgs)
      throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    if (!jvmArgs.isBlank()) {
      command.addAll(java.util.List.of(jvmArgs.strip().split("\\s+")));
    }
    command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"),
        RaceServers.class.getName(), dir.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (inheritIO) {
      builder.inheritIO();
    } else {
      builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    Process servers = builder.start();
    long waitUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(dir.resolve("ready"))) {
      if (!servers.isAlive() || System.nanoTime() > waitUntil) {
        servers.destroy();
        throw new IllegalStateException("the race servers did not start");
      }
      Thread.sleep(100);
    }
    return servers;
  }

  private static String apnsCertPem(AnsweringFcmServer fcm) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(fcm.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}

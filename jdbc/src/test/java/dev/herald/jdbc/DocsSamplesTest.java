package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushProvider;
import dev.herald.subscription.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The guides' Java samples are quoted from {@link DocsSamples}, which compiles and runs. */
class DocsSamplesTest {
  private static final Pattern JAVA = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyJavaSampleOfTheStorageGuidesIsQuotedFromCompiledCode() throws IOException {
    String source = normalise(Files.readString(
        Path.of("src/test/java/dev/herald/jdbc/DocsSamples.java")));
    List<String> samples = new ArrayList<>();
    for (String guide : List.of("../docs/embedding.md", "../docs/storage.md",
        "../docs/scaling.md")) {
      Matcher m = JAVA.matcher(Files.readString(Path.of(guide)));
      while (m.find()) {
        if (m.group(1).contains("Jdbc") || m.group(1).contains("HeraldSchema")) {
          samples.add(m.group(1));   // the storage samples; the others are herald-examples' own
        }
      }
    }
    assertThat(samples).hasSizeGreaterThanOrEqualTo(3);
    for (String sample : samples) {
      assertThat(source).as("quoted from DocsSamples.java:%n%s", sample)
          .contains(normalise(sample));
    }
  }

  /** Lines stripped of indentation, blank lines dropped: a sample may be quoted re-indented. */
  private static String normalise(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void theEmbeddingSampleRunsOnPostgres() {
    InMemoryPlayerDirectory players = new InMemoryPlayerDirectory()
        .put(PlayerProfile.builder("player-42").build());
    PushProvider webPush = new PushProvider() {
      @Override
      public Platform platform() {
        return Platform.WEB_PUSH;
      }

      @Override
      public java.util.concurrent.CompletableFuture<dev.herald.spi.SendResult> send(
          dev.herald.spi.PushMessage message) {
        throw new AssertionError("nothing is sent in this test");
      }

      @Override
      public void close() {}
    };
    try (Herald herald = DocsSamples.embed(TestDatabase.dataSource(), players, webPush)) {
      DocsSamples.privacy(herald);
      assertThat(herald.erasePlayer("player-42").devices()).isZero();
    }
    try (Herald node = DocsSamples.node(TestDatabase.dataSource(), players, webPush)) {
      assertThat(((JdbcScheduler) node.scheduler()).liveNodes()).isPositive();
    }
  }

  @Test
  void theImportSampleAddsTheTokensAsDevicesWithTheirOwners() {
    String schema = TestDatabase.freshSchema("docs_import");
    JdbcSubscriptionStore store = new JdbcSubscriptionStore(TestDatabase.dataSource(), schema);
    java.time.Instant at = java.time.Instant.parse("2024-03-01T12:00:00Z");
    long added = DocsSamples.importTokens(store, java.util.stream.Stream.of(
        new DocsSamples.LegacyToken("player-1", "phone", "token-1", at),
        new DocsSamples.LegacyToken("player-1", "tablet", "token-2", at),
        new DocsSamples.LegacyToken("player-2", "phone", "token-3", at)));

    assertThat(added).isEqualTo(3);
    assertThat(store.devicesOf("player-1")).extracting(d -> d.deviceId() + " " + d.status())
        .containsExactly("phone ALLOWED", "tablet ALLOWED");
    assertThat(store.ownerOf("fcm:token-3").map(o -> o.playerId() + "/" + o.deviceId()))
        .contains("player-2/phone");
  }
}

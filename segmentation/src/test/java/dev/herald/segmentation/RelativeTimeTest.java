package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code now} is the injected clock's instant; moving the clock moves the audience. */
class RelativeTimeTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final RuleParser PARSER = RuleParser.of(CATALOGUE);

  @Test
  void beforeNowMinusSevenDaysFollowsTheClock() {
    TestClock clock = TestClock.at("2026-03-15T12:00:00Z");
    InMemoryPlayerDirectory players = new InMemoryPlayerDirectory()
        .put(PlayerProfile.builder("p1")
            .attribute("last_deposit_at", Instant.parse("2026-03-10T12:00:00Z")).build());
    Segmentation segmentation = Segmentation.builder().players(players).clock(clock)
        .indexMaxAge(Duration.ofDays(1)).build();
    segmentation.segments().define("lapsed", "last_deposit_at before now - 7d");

    assertThat(segmentation.matches("lapsed", "p1")).isFalse();
    assertThat(segmentation.count("lapsed")).isZero();

    clock.advance(Duration.ofDays(2)); // deposit is now exactly 7 days old: not before
    assertThat(segmentation.matches("lapsed", "p1")).isFalse();
    assertThat(segmentation.count("lapsed")).isZero();

    clock.advance(Duration.ofMillis(1));
    assertThat(segmentation.matches("lapsed", "p1")).isTrue();
    // the index is the same snapshot; only now moved
    assertThat(segmentation.count("lapsed")).isEqualTo(1);
    assertThat(segmentation.members("lapsed")).containsExactly("p1");
  }

  @Test
  void withinIsAtOrAfterNowMinusTheSpanAndIncludesTheFuture() {
    Instant now = Instant.parse("2026-03-15T12:00:00Z");
    CompiledSegment within = CompiledSegment.compile(
        PARSER.parse("last_login_at within 30d"), CATALOGUE);
    assertThat(within.matches(at(now.minus(Duration.ofDays(30))), now)).isTrue();
    assertThat(within.matches(at(now.minus(Duration.ofDays(30)).minusMillis(1)), now)).isFalse();
    assertThat(within.matches(at(now), now)).isTrue();
    // a host clock slightly ahead of Herald's must not drop a fresh login
    assertThat(within.matches(at(now.plusSeconds(2)), now)).isTrue();
  }

  @Test
  void nowPlusAndBetweenRelativeBounds() {
    Instant now = Instant.parse("2026-03-15T12:00:00Z");
    CompiledSegment week = CompiledSegment.compile(PARSER.parse(
        "registered_at between now - 14d and now - 7d"), CATALOGUE);
    assertThat(week.matches(at("registered_at", now.minus(Duration.ofDays(10))), now)).isTrue();
    assertThat(week.matches(at("registered_at", now.minus(Duration.ofDays(7))), now)).isTrue();
    assertThat(week.matches(at("registered_at", now.minus(Duration.ofDays(14))), now)).isTrue();
    assertThat(week.matches(at("registered_at", now.minus(Duration.ofDays(6))), now)).isFalse();
    CompiledSegment soon = CompiledSegment.compile(PARSER.parse(
        "registered_at after now + 1h"), CATALOGUE);
    assertThat(soon.matches(at("registered_at", now.plus(Duration.ofMinutes(61))), now)).isTrue();
    assertThat(soon.matches(at("registered_at", now.plus(Duration.ofMinutes(60))), now)).isFalse();
  }

  @Test
  void timestampsCompareToTheMillisecondRoundedDown() {
    Instant now = Instant.parse("2026-03-15T12:00:00.000900Z");
    CompiledSegment exact = CompiledSegment.compile(
        PARSER.parse("last_login_at = \"2026-03-01T00:00:00Z\""), CATALOGUE);
    assertThat(exact.matches(at(Instant.parse("2026-03-01T00:00:00.000999Z")), now)).isTrue();
    assertThat(exact.matches(at(Instant.parse("2026-03-01T00:00:00.001Z")), now)).isFalse();
    CompiledSegment nowEq = CompiledSegment.compile(PARSER.parse("last_login_at = now"),
        CATALOGUE);
    assertThat(nowEq.matches(at(Instant.parse("2026-03-15T12:00:00.000100Z")), now)).isTrue();
    PlayerIndex index = PlayerIndex.builder(CATALOGUE)
        .add("a", at(Instant.parse("2026-03-01T00:00:00.000999Z")))
        .add("b", at(Instant.parse("2026-03-01T00:00:00.001Z")))
        .build(now);
    assertThat(exact.members(index, now)).containsExactly("a");
  }

  @Test
  void extremeInstantsSaturateInsteadOfOverflowing() {
    Instant now = Instant.parse("2026-03-15T12:00:00Z");
    CompiledSegment old = CompiledSegment.compile(PARSER.parse("last_login_at before now - 36525d"),
        CATALOGUE);
    assertThat(old.matches(at(Instant.MIN), now)).isTrue();
    assertThat(old.matches(at(Instant.MAX), now)).isFalse();
    CompiledSegment late = CompiledSegment.compile(PARSER.parse("last_login_at after now"),
        CATALOGUE);
    assertThat(late.matches(at(Instant.MAX), Instant.MAX)).isFalse();
    assertThat(late.matches(at(Instant.MAX), now)).isTrue();
  }

  private static PlayerAttributes at(Instant lastLogin) {
    return at("last_login_at", lastLogin);
  }

  private static PlayerAttributes at(String attribute, Instant value) {
    return PlayerAttributes.of(Map.of(attribute, value));
  }
}

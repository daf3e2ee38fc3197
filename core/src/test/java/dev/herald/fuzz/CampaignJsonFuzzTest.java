package dev.herald.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.InvalidInputException;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.Schedule;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.dispatch.Variant;
import dev.herald.internal.campaign.CampaignJson;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stored campaign definitions that were tampered with: only InvalidInputException comes out. */
class CampaignJsonFuzzTest {
  private static final List<String> TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "null",
      "true", "-1", "1e400", "1e999999999", "9".repeat(2000), "\"v\":1", "\"kind\":\"segment\"",
      "\"kind\":\"at\"", "\"kind\":\"recurring\"", "\"at\":\"not a time\"", "\"zone\":\"Mars/Base\"",
      "\"cron\":\"* * * * * * *\"", "\"urgency\":\"NOPE\"", "\"purpose\":\"X\"", "\"scope\":\"Q\"",
      "\"ttlSeconds\":-5", "\"ttlSeconds\":9223372036854775807", "\"rollingSeconds\":-1",
      "\"localDays\":0", "\"messagesPerSecond\":-1", "\"controlShare\":2", "\"weight\":-3",
      "\"title\":\"{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}x{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}\"",
      "\"title\":\"{{>p}}\"", "\"start\":\"25:00\"", "\"deadline\":\"x\"", "\\u0000", "\uD800",
      "\"kind\":\"playerLocal\"", "\"time\":\"09:00:30\"", "\"days\":[\"FUNDAY\"]", "\"days\":[]",
      "\"fallbackZone\":\"Mars/Base\"", "\"date\":\"2026-02-30\"");

  private static List<String> seeds() {
    MessageTemplate rich = MessageTemplate.builder().type(NotificationType.CASHBACK)
        .title("{{first_name}}, €{{cashback}}").body("{{#tags}}{{.}} {{/tags}}")
        .deepLink("https://casino.example/w?p={{player_id}}").collapseKey("cb")
        .action("claim", "Claim", "https://casino.example/c").data("k", "{{vip_level}}")
        .badge(3).ttl(Duration.ofHours(2)).build();
    Content content = Content.builder(rich)
        .locale(Locale.GERMAN, MessageTemplate.builder().type(NotificationType.CASHBACK)
            .title("Hallo {{first_name}}").build())
        .defaultValue("first_name", "friend").build();
    DeliveryPolicy policy = DeliveryPolicy.builder()
        .cap(FrequencyCap.marketing(3, CapWindow.rolling(Duration.ofDays(1))))
        .cap(FrequencyCap.marketing(5, CapWindow.localDays(7)))
        .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0)))
        .messagesPerSecond(50).deadline(Instant.parse("2026-04-01T00:00:00Z")).build();
    return List.of(
        CampaignJson.write(Campaign.builder("plain", "Plain").audience(Audience.everyone())
            .content(Content.of(MessageTemplate.builder().title("Hi").build())).build()),
        CampaignJson.write(Campaign.builder("rich", "Rich").audience(Audience.segment("vip"))
            .content(content).policy(policy)
            .schedule(Schedule.at(Instant.parse("2026-03-20T18:00:00Z"))).build()),
        CampaignJson.write(Campaign.builder("ab", "A/B")
            .audience(Audience.players(List.of("p1", "p2")))
            .variant(Variant.of("A", content)).variant(Variant.of("B", Content.of(rich)))
            .controlShare(0.1)
            .schedule(Schedule.recurring("0 18 * * MON", ZoneId.of("Europe/Berlin"))).build()),
        CampaignJson.write(Campaign.builder("local", "Local").audience(Audience.everyone())
            .content(Content.of(rich))
            .schedule(Schedule.dailyAtLocalTime(LocalTime.of(9, 0), ZoneId.of("Europe/Malta"))
                .onDays(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.FRIDAY)
                .until(Instant.parse("2026-12-31T00:00:00Z"))).build()),
        CampaignJson.write(Campaign.builder("local-once", "Local once")
            .audience(Audience.everyone()).content(Content.of(rich))
            .schedule(Schedule.atLocalTime(java.time.LocalDate.parse("2026-12-24"),
                LocalTime.of(18, 0), ZoneId.of("Europe/Malta"))).build()));
  }

  @Test
  void tamperedDefinitionsFailOnlyWithInvalidInputException() {
    List<String> seeds = seeds();
    for (String seed : seeds) {
      assertThat(CampaignJson.write(CampaignJson.read(seed))).isEqualTo(seed);
    }
    Random r = new Random(Fuzz.SEED);
    for (int i = 0; i < Fuzz.CASES; i++) {
      String input = Fuzz.mutate(seeds.get(r.nextInt(seeds.size())), TOKENS, r);
      Fuzz.check(i, input, () -> {
        Campaign c = CampaignJson.read(input);
        assertThat(CampaignJson.read(CampaignJson.write(c)).id()).isEqualTo(c.id());
      }, InvalidInputException.class);
    }
  }
}

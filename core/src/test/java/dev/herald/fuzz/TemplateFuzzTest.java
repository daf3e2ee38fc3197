package dev.herald.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.InvalidInputException;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.Notification;
import dev.herald.internal.dispatch.Renderer;
import dev.herald.spi.PlayerProfile;
import dev.herald.trigger.EventCondition;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Templates and event attributes from hostile hands: building a template fails only with
 * InvalidInputException, and so does rendering one (which the dispatcher records as
 * RENDER_FAILED); an event's attributes are refused only with InvalidInputException, and
 * conditions on accepted events never throw.
 */
class TemplateFuzzTest {
  private static final List<String> TAGS = List.of("{{", "}}", "{{{", "}}}", "{{first_name}}",
      "{{#tags}}", "{{/tags}}", "{{^tags}}", "{{.}}", "{{>footer}}", "{{=<% %>=}}", "{{&x}}",
      "{{!c}}", "{{big}}", "{{rg.limit}}", "{{player_id}}", "{{#vip}}", "{{/vip}}", "{{ # tags }}",
      "{{#this}}", "{{-first}}", "{{#tags}}{{#tags}}{{#tags}}{{#tags}}", "{{/tags}}{{/tags}}",
      "https://", "\u202E", "\uD83C\uDFB0");
  private static final List<String> SEEDS = List.of(
      "{{first_name}}, your €{{cashback}} is here",
      "{{#tags}}{{.}}, {{/tags}}{{^tags}}no tags{{/tags}}",
      "VIP {{vip_level}} · limit {{rg.limit}} · {{#vip}}gold{{/vip}}",
      "https://casino.example/w?p={{player_id}}&b={{big}}");
  private static final PlayerProfile PLAYER = PlayerProfile.builder("p1")
      .attribute("first_name", "Ada").attribute("cashback", new BigDecimal("12.50"))
      .attribute("vip_level", 3).attribute("vip", true).attribute("rg.limit", 100)
      .attribute("big", new BigDecimal("1e300"))
      .attribute("tags", IntStream.range(0, 40).mapToObj(i -> "t" + i).toList()).build();

  @Test
  void templatesFailOnlyWithInvalidInputExceptionWhenBuiltOrRendered() {
    Random r = new Random(Fuzz.SEED);
    for (int i = 0; i < Fuzz.CASES; i++) {
      String input = Fuzz.mutate(SEEDS.get(r.nextInt(SEEDS.size())), TAGS, r);
      int field = r.nextInt(4);
      Fuzz.check(i, input, () -> {
        MessageTemplate.Builder b = MessageTemplate.builder().title(field == 0 ? input : "Hi");
        switch (field) {
          case 1 -> b.body(input);
          case 2 -> b.deepLink(input);
          case 3 -> b.data("k", input).action("a", input, input);
          default -> { }
        }
        MessageTemplate t = b.build();
        Notification n = new Renderer(Content.of(t)).render("p1", Optional.of(PLAYER), Map.of());
        assertThat(n.title().orElseThrow()).isNotBlank();
      }, InvalidInputException.class);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper DECIMALS =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final List<String> JSON_TOKENS = List.of("1e400", "-1e400", "1e999999999",
      "NaN", "null", "[1,2]", "{\"a\":1}", "\"x\"", "true", ",\"bad name\":1", ",\"ok\":[\"a\"]",
      "0.1", "-0", "9".repeat(500), ",\"" + "n".repeat(70) + "\":1", "\"2026-01-01\"");
  private static final List<EventCondition> CONDITIONS = List.of(
      EventCondition.ge("amount", 100), EventCondition.lt("amount", new BigDecimal("1e300")),
      EventCondition.eq("amount", 50.5), EventCondition.in("method", "card", "paypal"),
      EventCondition.ne("tags", "vip"), EventCondition.exists("bonus"),
      EventCondition.gt("when", Instant.parse("2026-01-01T00:00:00Z")));

  @Test
  void eventAttributesFromJsonAreRefusedOnlyWithInvalidInputExceptionAndNeverBreakConditions() {
    Random r = new Random(Fuzz.SEED + 1);
    String seed = "{\"amount\": 100.5, \"method\": \"card\", \"tags\": [\"vip\"], \"bonus\": 1}";
    for (int i = 0; i < Fuzz.CASES; i++) {
      String input = Fuzz.mutate(seed, JSON_TOKENS, r);
      ObjectMapper mapper = r.nextBoolean() ? JSON : DECIMALS;
      Map<String, Object> attributes;
      try {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = mapper.readValue(input, Map.class);
        attributes = read;
      } catch (JsonProcessingException notJson) {
        continue; // Jackson's to refuse, not Herald's
      }
      if (attributes == null) {
        continue;
      }
      Fuzz.check(i, input, () -> {
        PlayerEvent event = new PlayerEvent("e" + 1, "p1", PlayerEventType.DEPOSIT,
            Instant.parse("2026-03-01T12:00:00Z"), attributes);
        for (EventCondition c : CONDITIONS) {
          c.test(event.attributes());
        }
      }, InvalidInputException.class);
    }
  }
}

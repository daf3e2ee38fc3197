package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.analytics.Suppression;
import dev.herald.content.Action;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.Notification;
import dev.herald.content.NotificationType;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class RenderingTest extends DispatchFixture {

  private Notification sentTo(String player) {
    return web.sent().stream()
        .filter(m -> herald.analytics().delivery(m.deliveryId()).orElseThrow().playerId()
            .equals(player))
        .findFirst().orElseThrow().notification();
  }

  @Test
  void placeholdersAreFilledFromAttributesWithDefaultsForMissingOnes() {
    webPlayer("alice");
    put(profile("alice").attribute("first_name", "Alice").attribute("cashback", new BigDecimal("12.50"))
        .attribute("rg.limit", 100).attribute("vip_level", 3));
    webPlayer("bob");
    MessageTemplate t = MessageTemplate.builder()
        .type(NotificationType.CASHBACK)
        .title("{{first_name}}, €{{cashback}} cashback is yours")
        .body("VIP {{vip_level}} · limit {{rg.limit}} · id {{player_id}}")
        .deepLink("https://casino.example/wallet?player={{player_id}}")
        .data("player", "{{player_id}}")
        .action("claim", "Claim {{cashback}}", "https://casino.example/claim/{{player_id}}")
        .build();
    Content content = Content.builder(t).defaultValue("first_name", "Hey")
        .defaultValue("cashback", "some").build();
    run(DispatchRequest.builder("cb", dev.herald.dispatch.Audience.players(List.of("alice", "bob")))
        .content(content).build());

    Notification alice = sentTo("alice");
    assertThat(alice.title().orElseThrow()).isEqualTo("Alice, €12.50 cashback is yours");
    assertThat(alice.body()).contains("VIP 3 · limit 100 · id alice");
    assertThat(alice.deepLink()).contains("https://casino.example/wallet?player=alice");
    assertThat(alice.data()).containsExactly(entry("player", "alice"));
    assertThat(alice.actions()).containsExactly(
        Action.of("claim", "Claim 12.50", "https://casino.example/claim/alice"));
    Notification bob = sentTo("bob");
    assertThat(bob.title().orElseThrow()).isEqualTo("Hey, €some cashback is yours");
    assertThat(bob.body()).contains("VIP  · limit  · id bob");
  }

  @Test
  void localeVariantIsChosenByTagThenLanguageThenDefault() {
    webPlayer("at");
    put(profile("at").locale(Locale.forLanguageTag("de-AT")));
    webPlayer("de");
    put(profile("de").locale(Locale.GERMANY));
    webPlayer("fr");
    put(profile("fr").locale(Locale.FRANCE));
    webPlayer("unknown");
    MessageTemplate en = MessageTemplate.builder().title("Hello").build();
    Content content = Content.builder(en)
        .locale(Locale.GERMAN, MessageTemplate.builder().title("Hallo").build())
        .locale(Locale.forLanguageTag("de-AT"), MessageTemplate.builder().title("Servus").build())
        .build();
    run(DispatchRequest.builder("hi", dev.herald.dispatch.Audience.players(
        List.of("at", "de", "fr", "unknown"))).content(content).build());
    assertThat(sentTo("at").title().orElseThrow()).isEqualTo("Servus");
    assertThat(sentTo("de").title().orElseThrow()).isEqualTo("Hallo");
    assertThat(sentTo("fr").title().orElseThrow()).isEqualTo("Hello");
    assertThat(sentTo("unknown").title().orElseThrow()).isEqualTo("Hello");
  }

  @Test
  void invalidOptionalFieldsAreDroppedAndLongTextCut() {
    webPlayer("alice");
    MessageTemplate t = MessageTemplate.builder()
        .title("{{long}}")
        .image("{{banner_url}}")
        .icon("not a url {{x}}")
        .build();
    put(profile("alice").attribute("long", "x".repeat(300)));
    run(DispatchRequest.builder("d", dev.herald.dispatch.Audience.player("alice"))
        .content(Content.of(t)).build());
    Notification n = sentTo("alice");
    assertThat(n.title().orElseThrow()).hasSize(Notification.MAX_TITLE_CHARS).endsWith("…");
    assertThat(n.image()).isEmpty();
    assertThat(n.icon()).isEmpty();
  }

  @Test
  void aTitleThatRendersEmptyIsSuppressed() {
    webPlayer("alice");
    MessageTemplate t = MessageTemplate.builder().title("{{first_name}}").build();
    var report = run(DispatchRequest.builder("empty", dev.herald.dispatch.Audience.player("alice"))
        .content(Content.of(t)).build());
    assertThat(report.stats().suppressedByReason())
        .containsExactly(entry(Suppression.RENDER_FAILED, 1L));
  }

  @Test
  void badTemplateSyntaxIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> MessageTemplate.builder().title("Hi {{name"))
        .hasMessageStartingWith("title: is not a valid template");
    assertThatThrownBy(() -> MessageTemplate.builder().title("ok").body("{{#a}}x"))
        .hasMessageStartingWith("body: is not a valid template");
  }

  @Test
  void localeVariantsMustShareTheType() {
    MessageTemplate promo = MessageTemplate.builder().title("x").build();
    MessageTemplate alert = MessageTemplate.builder().type(NotificationType.SECURITY_ALERT)
        .title("y").build();
    assertThatThrownBy(() -> Content.builder(promo).locale(Locale.GERMAN, alert))
        .hasMessageContaining("is SECURITY_ALERT but the default template is PROMOTIONAL");
  }
}

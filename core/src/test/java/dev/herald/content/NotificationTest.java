package dev.herald.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {

  @Test
  void buildsWithDefaults() {
    Notification n = Notification.builder().title("Hi").build();
    assertThat(n.type()).isEqualTo(NotificationType.PROMOTIONAL);
    assertThat(n.purpose()).isEqualTo(Purpose.MARKETING);
    assertThat(n.ttl()).isEqualTo(Duration.ofDays(1));
    assertThat(n.urgency()).isEqualTo(Urgency.NORMAL);
    assertThat(n.body()).isEmpty();
    assertThat(n.badge()).isEmpty();
    assertThat(n.category()).isEqualTo("promotions");
  }

  @Test
  void holdsEveryField() {
    Notification n = Notification.builder()
        .type(NotificationType.TOURNAMENT)
        .title("Tournament starts")
        .body("Join now")
        .icon("https://cdn.example/icon.png")
        .image("https://cdn.example/banner.jpg")
        .badge(3)
        .sound("default")
        .action(Action.of("join", "Join", "https://casino.example/t/1"))
        .action(Action.of("later", "Later"))
        .deepLink("casino://tournaments/1")
        .data("tournamentId", "1")
        .ttl(Duration.ofMinutes(10))
        .urgency(Urgency.HIGH)
        .collapseKey("tournament-1")
        .category("Slots")
        .build();
    assertThat(n.purpose()).isEqualTo(Purpose.MARKETING);
    assertThat(n.actions()).extracting(Action::id).containsExactly("join", "later");
    assertThat(n.deepLink()).contains("casino://tournaments/1");
    assertThat(n.data()).containsExactly(Map.entry("tournamentId", "1"));
    assertThat(n.category()).isEqualTo("slots");
    assertThat(n.toBuilder().build()).isEqualTo(n);
    assertThat(n.toBuilder().title("Changed").build()).isNotEqualTo(n);
  }

  @Test
  void isImmutable() {
    Map<String, String> data = new HashMap<>(Map.of("a", "1"));
    Notification n = Notification.builder().title("x").data(data).build();
    data.put("b", "2");
    assertThat(n.data()).containsOnlyKeys("a");
    assertThatThrownBy(() -> n.data().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> n.actions().add(Action.of("x", "y")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void titleIsRequiredAndLimited() {
    assertThatThrownBy(() -> Notification.builder().build())
        .isInstanceOf(InvalidInputException.class).hasMessage("title: must not be blank");
    assertThatThrownBy(() -> Notification.builder().title("x".repeat(257)))
        .hasMessage("title: must be at most 256 characters, got 257");
    assertThatThrownBy(() -> Notification.builder().title("x").body("b".repeat(2049)))
        .hasMessage("body: must be at most 2048 characters, got 2049");
  }

  @Test
  void fieldsAreValidatedNamingTheLimit() {
    Notification.Builder b = Notification.builder().title("x");
    assertThatThrownBy(() -> b.badge(-1)).hasMessage("badge: must be between 0 and 99999, got -1");
    assertThatThrownBy(() -> b.ttl(Duration.ofDays(29)))
        .hasMessageStartingWith("ttl: must be between PT0S and PT672H");
    assertThatThrownBy(() -> b.ttl(Duration.ofSeconds(-1))).hasMessageStartingWith("ttl:");
    assertThatThrownBy(() -> b.collapseKey("é".repeat(33)))
        .hasMessage("collapseKey: must be at most 64 bytes in UTF-8, got 66");
    assertThatThrownBy(() -> b.icon("not a url")).hasMessageStartingWith("icon:");
    assertThatThrownBy(() -> b.deepLink("relative/path"))
        .hasMessage("deepLink: must be an absolute URI with a scheme");
    assertThatThrownBy(() -> b.data("", "v")).hasMessage("data.key: must not be blank");
    assertThatThrownBy(() -> b.data("k", "v".repeat(1025)))
        .hasMessage("data[k]: must be at most 1024 characters, got 1025");
    assertThatThrownBy(() -> b.sound("s".repeat(65))).hasMessageStartingWith("sound:");
  }

  @Test
  void atMostThreeDistinctActions() {
    Notification.Builder b = Notification.builder().title("x")
        .action(Action.of("a", "A")).action(Action.of("b", "B"));
    assertThatThrownBy(() -> b.action(Action.of("a", "again")))
        .hasMessage("action.id: duplicate action id a");
    b.action(Action.of("c", "C"));
    assertThatThrownBy(() -> b.action(Action.of("d", "D")))
        .hasMessage("actions: must hold at most 3 entries");
    assertThatThrownBy(() -> Action.of("", "x")).hasMessage("action.id: must not be blank");
    assertThatThrownBy(() -> Action.of("id", "t", "nope")).hasMessageStartingWith("action.link:");
  }

  @Test
  void dataIsLimitedTo64Entries() {
    Notification.Builder b = Notification.builder().title("x");
    for (int i = 0; i < 64; i++) {
      b.data("k" + i, "v");
    }
    b.data("k0", "replaced");
    assertThatThrownBy(() -> b.data("k64", "v")).hasMessage("data: must hold at most 64 entries");
  }

  @Test
  void typesCarryTheirPurpose() {
    assertThat(NotificationType.SECURITY_ALERT.purpose()).isEqualTo(Purpose.SERVICE);
    assertThat(List.of(NotificationType.PROMOTIONAL, NotificationType.DEPOSIT_REMINDER,
            NotificationType.TOURNAMENT, NotificationType.CASHBACK, NotificationType.VIP_OFFER,
            NotificationType.REACTIVATION))
        .allMatch(NotificationType::isMarketing);
    assertThat(NotificationType.builtIns()).hasSize(7);
    assertThat(NotificationType.builtIn("vip_offer")).isSameAs(NotificationType.VIP_OFFER);
    NotificationType custom = NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING, "Bonus");
    assertThat(custom.category()).isEqualTo("bonus");
    assertThat(custom).isEqualTo(NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING,
        "bonus"));
    // equal by name, purpose and category: a SERVICE type of the same name is another type
    assertThat(custom).isNotEqualTo(NotificationType.custom("BONUS_EXPIRING", Purpose.SERVICE, "x"));
    assertThatThrownBy(() -> NotificationType.custom("bonus", Purpose.MARKETING, "b"))
        .hasMessageStartingWith("notificationType.name:");
    assertThatThrownBy(() -> NotificationType.builtIn("NOPE"))
        .hasMessageContaining("unknown type NOPE");
  }

  @Test
  void urgencyHeaderValuesFollowRfc8030() {
    assertThat(Urgency.VERY_LOW.headerValue()).isEqualTo("very-low");
    assertThat(Urgency.HIGH.headerValue()).isEqualTo("high");
  }
}

package dev.herald.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Content without a title: DATA and LIVE_ACTIVITY kinds, checked at the edge. */
class DataPushContentTest {
  private static final NotificationType WALLET =
      NotificationType.custom("WALLET", Purpose.SERVICE, "wallet");

  @Test
  void aDataPushHasDataAndNoTitle() {
    Notification n = Notification.builder().kind(ContentKind.DATA).type(WALLET)
        .data("balance", "120.50").collapseKey("balance").build();
    assertThat(n.kind()).isEqualTo(ContentKind.DATA);
    assertThat(n.title()).isEmpty();
    assertThat(n.liveActivity()).isEmpty();
    assertThat(n.data()).containsEntry("balance", "120.50");
    assertThat(n.toBuilder().build()).isEqualTo(n);
    assertThat(n.toString()).contains("DATA").doesNotContain("120.50");
  }

  @Test
  void aDataPushRefusesEveryFieldThatIsShown() {
    assertThatThrownBy(() -> Notification.builder().kind(ContentKind.DATA).title("Hi").build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("title:")
        .hasMessageContaining("a DATA push shows nothing");
    assertThatThrownBy(() -> Notification.builder().kind(ContentKind.DATA).badge(1).build())
        .hasMessageStartingWith("badge:");
    assertThatThrownBy(() -> Notification.builder().kind(ContentKind.DATA).sound("default")
        .build()).hasMessageStartingWith("sound:");
    assertThatThrownBy(() -> Notification.builder().kind(ContentKind.DATA)
        .deepLink("casino://lobby").build()).hasMessageStartingWith("deepLink:");
    assertThatThrownBy(() -> MessageTemplate.builder().kind(ContentKind.DATA)
        .body("{{first_name}}").build()).hasMessageStartingWith("body:");
  }

  @Test
  void aVisibleNotificationStillNeedsItsTitle() {
    assertThatThrownBy(() -> Notification.builder().data("k", "v").build())
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("title:");
    assertThatThrownBy(() -> MessageTemplate.builder().build())
        .hasMessageStartingWith("title:");
  }

  @Test
  void dataIsLimitedToWhatEveryProviderCarriesNamingTheFieldAndTheLimit() {
    Notification.Builder b = Notification.builder().kind(ContentKind.DATA);
    for (int i = 0; i < 4; i++) {
      b.data("k" + i, "x".repeat(1000)); // four values of 1,000: over 3,072 bytes as JSON
    }
    assertThatThrownBy(b::build).isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("data:")
        .hasMessageContaining("at most " + Notification.MAX_DATA_BYTES + " bytes");
    // emoji count in UTF-8 bytes, 4 each
    Notification.Builder emoji = Notification.builder().kind(ContentKind.DATA)
        .data("a", "🎰".repeat(256)).data("b", "🎰".repeat(256)).data("c", "🎰".repeat(256));
    assertThatThrownBy(emoji::build).hasMessageStartingWith("data:");
    // a template without placeholders is checked when built; one with them when it renders
    MessageTemplate.Builder template = MessageTemplate.builder().kind(ContentKind.DATA);
    for (int i = 0; i < 4; i++) {
      template.data("k" + i, "x".repeat(1000));
    }
    assertThatThrownBy(template::build).hasMessageStartingWith("data:");
    template.data("k0", "{{odds}}");
    assertThat(template.build().data()).hasSize(4);
  }

  @Test
  void aLiveActivityUpdateCarriesItsStateAndAnOptionalAlert() {
    Instant at = Instant.parse("2026-11-22T20:15:00Z");
    LiveActivity goal = LiveActivity.update("match-8812")
        .contentState(Map.of("home", 2, "away", 1, "scorer", "Müller"))
        .timestamp(at).staleDate(at.plusSeconds(600)).build();
    Notification quiet = Notification.builder().liveActivity(goal).build();
    assertThat(quiet.kind()).isEqualTo(ContentKind.LIVE_ACTIVITY);
    assertThat(quiet.title()).isEmpty();
    assertThat(goal.contentStateJson()).contains("\"home\":2").contains("Müller");
    Notification alerting = quiet.toBuilder().title("GOAL! 2–1").body("Müller, 67'").build();
    assertThat(alerting.title()).contains("GOAL! 2–1");
    assertThat(goal.matchesDeviceId("match-8812")).isTrue();
    assertThat(goal.matchesDeviceId("match-8812/ipad")).isTrue();
    assertThat(goal.matchesDeviceId("match-88120")).isFalse();
    assertThat(goal.matchesDeviceId("iphone")).isFalse();
  }

  @Test
  void liveActivityFieldsAreCheckedAtTheEdge() {
    assertThatThrownBy(() -> Notification.builder().kind(ContentKind.LIVE_ACTIVITY).build())
        .hasMessageStartingWith("liveActivity:").hasMessageContaining("is required");
    assertThatThrownBy(() -> LiveActivity.update("match-1").build())
        .hasMessageStartingWith("liveActivity.contentState:");
    assertThatThrownBy(() -> LiveActivity.update("match-1").contentStateJson("[1,2]"))
        .hasMessageStartingWith("liveActivity.contentState:").hasMessageContaining("object");
    assertThatThrownBy(() -> LiveActivity.update("match-1").contentStateJson("{oops"))
        .hasMessageStartingWith("liveActivity.contentState:");
    assertThatThrownBy(() -> LiveActivity.update("match-1")
        .dismissalDate(Instant.EPOCH)).hasMessageStartingWith("liveActivity.dismissalDate:");
    assertThatThrownBy(() -> LiveActivity.update("match/1"))
        .hasMessageStartingWith("liveActivity.activityId:");
    assertThatThrownBy(() -> LiveActivity.update("match-1")
        .contentState(Map.of("history", "x".repeat(Notification.MAX_DATA_BYTES))))
        .hasMessageStartingWith("liveActivity.contentState:")
        .hasMessageContaining("at most " + Notification.MAX_DATA_BYTES + " bytes");
    assertThatThrownBy(() -> LiveActivity.update("match-1")
        .contentState(Map.of("when", new Object())))
        .hasMessageStartingWith("liveActivity.contentState.when:");
    LiveActivity ok = LiveActivity.update("match-1").contentState(Map.of("home", 0)).build();
    assertThatThrownBy(() -> Notification.builder().liveActivity(ok).body("no title").build())
        .hasMessageStartingWith("body:");
    assertThatThrownBy(() -> Notification.builder().liveActivity(ok).data("k", "v").build())
        .hasMessageStartingWith("data:");
    assertThatThrownBy(() -> Notification.builder().liveActivity(ok)
        .title("x".repeat(200)).body("€".repeat(1000)).build()) // 3,000 bytes
        .hasMessageStartingWith("liveActivity:")
        .hasMessageContaining("at most " + Notification.MAX_DATA_BYTES + " bytes");
  }

  @Test
  void localeVariantsKeepTheKindAndTheActivity() {
    MessageTemplate visible = MessageTemplate.builder().title("Odds changed").build();
    MessageTemplate data = MessageTemplate.builder().kind(ContentKind.DATA)
        .data("odds", "{{odds}}").build();
    assertThatThrownBy(() -> Content.builder(data).locale(Locale.GERMAN, visible))
        .hasMessageStartingWith("template.kind:");
    LiveActivity a = LiveActivity.update("match-1").contentState(Map.of("home", 1)).build();
    LiveActivity b = LiveActivity.update("match-2").contentState(Map.of("home", 1)).build();
    MessageTemplate first = MessageTemplate.builder().liveActivity(a).build();
    MessageTemplate other = MessageTemplate.builder().liveActivity(b).title("Tor!").build();
    assertThatThrownBy(() -> Content.builder(first).locale(Locale.GERMAN, other))
        .hasMessageStartingWith("liveActivity.activityId:");
  }

  @Test
  void aCustomTypeCanLeaveTheSharedCapsButABuiltInCannot() {
    NotificationType liveOdds =
        NotificationType.custom("LIVE_ODDS", Purpose.MARKETING, "sports").withoutSharedCaps();
    assertThat(liveOdds.sharedCaps()).isFalse();
    assertThat(liveOdds.isMarketing()).isTrue();
    assertThat(liveOdds).isNotEqualTo(NotificationType.custom("LIVE_ODDS", Purpose.MARKETING,
        "sports"));
    for (NotificationType builtIn : List.of(NotificationType.builtIns())) {
      assertThat(builtIn.sharedCaps()).isTrue();
      assertThatThrownBy(builtIn::withoutSharedCaps)
          .hasMessageStartingWith("notificationType.sharedCaps:");
    }
  }
}

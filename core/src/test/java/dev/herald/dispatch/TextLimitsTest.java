package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Action;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.Notification;
import org.junit.jupiter.api.Test;

/** Rendered text cut to the limits keeps every emoji whole. */
class TextLimitsTest extends DispatchFixture {
  private static final String SLOT = "\uD83C\uDFB0"; // 🎰

  @Test
  void aTitleCutAtTheLimitNeverSplitsAnEmoji() {
    webPlayer("alice");
    put(profile("alice").attribute("long", "x".repeat(254) + SLOT + " jackpot")
        .attribute("label", "y".repeat(62) + SLOT + "!"));
    MessageTemplate t = MessageTemplate.builder().title("{{long}}")
        .action("spin", "{{label}}", null).build();

    run(DispatchRequest.builder("d", Audience.player("alice")).content(Content.of(t)).build());

    Notification n = web.sent().get(0).notification();
    assertThat(n.title().orElseThrow()).isEqualTo("x".repeat(254) + "…");
    assertThat(n.title().orElseThrow().length()).isLessThanOrEqualTo(Notification.MAX_TITLE_CHARS);
    assertThat(n.actions()).extracting(Action::title)
        .containsExactly("y".repeat(62) + "…");
  }
}

package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.analytics.Suppression;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 16, item 4: a template that overruns its render budget is RENDER_FAILED, not a crash. */
class RenderBudgetTest extends DispatchFixture {
  @Test
  void aRenderThatOverrunsTheBudgetIsSuppressedAndTheRunGoesOn() {
    webPlayer("loops");
    put(profile("loops").attribute("tags",
        IntStream.range(0, 50).mapToObj(i -> "t" + i).toList()));
    webPlayer("plain");
    MessageTemplate t = MessageTemplate.builder().title("Hello")
        .body("{{#tags}}{{#tags}}{{#tags}}{{.}}{{/tags}}{{/tags}}{{/tags}}").build();
    var report = run(DispatchRequest.builder("bomb",
        Audience.players(java.util.List.of("loops", "plain"))).content(Content.of(t)).build());
    assertThat(report.stats().suppressedByReason())
        .containsExactly(entry(Suppression.RENDER_FAILED, 1L));
    assertThat(web.sent()).hasSize(1);
  }
}

package dev.herald.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.internal.dispatch.Renderer;
import dev.herald.spi.PlayerProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Issue 16, item 4: templates that nest, loop or include their way out of bounds. */
class TemplateLimitsTest {
  private static final List<String> TEN_TAGS =
      IntStream.range(0, 10).mapToObj(i -> "t" + i).toList();

  private static String nested(int depth, String inner) {
    return "{{#tags}}".repeat(depth) + inner + "{{/tags}}".repeat(depth);
  }

  private static Notification render(MessageTemplate t, PlayerProfile profile) {
    return new Renderer(Content.of(t)).render(profile.playerId(), Optional.of(profile), Map.of());
  }

  @Test
  void sectionsNestAtMostFourDeep() {
    assertThat(MessageTemplate.builder().title(nested(4, "x")).build().title().orElseThrow())
        .isEqualTo(nested(4, "x"));
    assertThatThrownBy(() -> MessageTemplate.builder().title("hi").body(nested(7, "{{.}}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("body: is not a valid template: sections nest at most 4 deep");
    assertThatThrownBy(() -> MessageTemplate.builder().title("{{^a}}{{#b}}{{^c}}{{#d}}{{#e}}"
        + "x{{/e}}{{/d}}{{/c}}{{/b}}{{/a}}")).hasMessageContaining("at most 4 deep");
  }

  @Test
  void partialsAndDelimiterChangesAreRefusedWhenBuilt() {
    assertThatThrownBy(() -> MessageTemplate.builder().title("Hi {{>footer}}"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("title: is not a valid template: partials");
    assertThatThrownBy(() -> MessageTemplate.builder().title("Hi").data("k", "{{ > footer }}"))
        .hasMessageContaining("partials");
    assertThatThrownBy(() -> MessageTemplate.builder().title("{{=<% %>=}}<%>footer%>"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("delimiter");
  }

  @Test
  void anEmptyTagIsRefusedNotAStringIndexOutOfBounds() {
    // found by TemplateFuzzTest: JMustache's compiler threw StringIndexOutOfBoundsException
    assertThatThrownBy(() -> MessageTemplate.builder().title("VIP {{}}#vip}}gold{{/vip}}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty tag");
  }

  @Test
  void nestedLoopsRunOutOfTheIterationBudgetAndFailTheRender() {
    PlayerProfile p = PlayerProfile.builder("p1").attribute("tags", TEN_TAGS).build();
    assertThat(render(MessageTemplate.builder().title(nested(2, "{{.}}")).build(), p).title().orElseThrow())
        .startsWith("t0t1t2");
    MessageTemplate bomb = MessageTemplate.builder().title("hi").body(nested(4, "{{.}}")).build();
    PlayerProfile big = PlayerProfile.builder("p1")
        .attribute("tags", IntStream.range(0, 11).mapToObj(i -> "t" + i).toList()).build();
    assertThatThrownBy(() -> render(bomb, big))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(MessageTemplate.MAX_SECTION_ITERATIONS + " section iterations");
  }

  @Test
  void namesNeverCallMethodsOfValues() {
    PlayerProfile p = PlayerProfile.builder("p1").attribute("first_name", "Ada")
        .attribute("tags", TEN_TAGS).build();
    MessageTemplate t = MessageTemplate.builder()
        .title("{{first_name}}{{first_name.class}}{{first_name.bytes}}{{tags.size}}{{tags.0}}")
        .build();
    assertThat(render(t, p).title().orElseThrow()).isEqualTo("Ada");
  }

  @Test
  void outputBeyondTheBudgetFailsTheRender() {
    String longDefault = "x".repeat(4000);
    MessageTemplate t = MessageTemplate.builder().title("hi")
        .body("{{#tags}}{{filler}}{{/tags}}").build();
    PlayerProfile p = PlayerProfile.builder("p1").attribute("filler", longDefault)
        .attribute("tags", IntStream.range(0, 40).mapToObj(i -> "t" + i).toList()).build();
    assertThatThrownBy(() -> render(t, p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(MessageTemplate.MAX_RENDERED_CHARS + " characters");
  }
}

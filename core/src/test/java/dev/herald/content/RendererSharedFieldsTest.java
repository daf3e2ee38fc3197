package dev.herald.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.internal.dispatch.Renderer;
import dev.herald.spi.PlayerProfile;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A personalised render shares the fields without placeholders (validated once) and still fills,
 * replaces or leaves out every field as a render from scratch does.
 */
class RendererSharedFieldsTest {
  private static PlayerProfile player(String id, String name) {
    return PlayerProfile.builder(id).attribute("first_name", name).build();
  }

  @Test
  void constantLinksAndSettingsAreKeptAndPlaceholdersFilledPerPlayer() {
    MessageTemplate t = MessageTemplate.builder()
        .type(NotificationType.PROMOTIONAL)
        .title("{{first_name}}, 50 free spins")
        .body("Claim them before midnight.")
        .icon("https://casino.example/icon.png")
        .image("https://casino.example/banner/{{player_id}}.png")
        .deepLink("https://casino.example/promo/spins")
        .badge(3)
        .sound("coins.caf")
        .ttl(Duration.ofHours(2))
        .build();
    Renderer renderer = new Renderer(Content.of(t));
    Notification alice = renderer.render("alice", Optional.of(player("alice", "Alice")));
    Notification bob = renderer.render("bob", Optional.of(player("bob", "Bob")));

    assertThat(alice.title()).contains("Alice, 50 free spins");
    assertThat(bob.title()).contains("Bob, 50 free spins");
    assertThat(alice.image()).contains("https://casino.example/banner/alice.png");
    assertThat(bob.image()).contains("https://casino.example/banner/bob.png");
    for (Notification n : new Notification[] {alice, bob}) {
      assertThat(n.body()).contains("Claim them before midnight.");
      assertThat(n.icon()).contains("https://casino.example/icon.png");
      assertThat(n.deepLink()).contains("https://casino.example/promo/spins");
      assertThat(n.badge().getAsInt()).isEqualTo(3);
      assertThat(n.sound()).contains("coins.caf");
      assertThat(n.ttl()).isEqualTo(Duration.ofHours(2));
      assertThat(n.type()).isEqualTo(NotificationType.PROMOTIONAL);
    }
  }

  @Test
  void aTitleThatRendersEmptyStillFailsTheRender() {
    MessageTemplate t = MessageTemplate.builder()
        .type(NotificationType.PROMOTIONAL)
        .title("{{first_name}}")
        .deepLink("https://casino.example/promo/spins")
        .build();
    Renderer renderer = new Renderer(Content.of(t));
    assertThatThrownBy(() -> renderer.render("nobody", Optional.empty(), Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("title");
  }
}

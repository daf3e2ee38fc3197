package dev.herald.examples;

import dev.herald.Herald;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.WebPushAddress;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.util.Set;

/**
 * The README's quick start, compiled with the build and run against the mock Web Push service by
 * {@code QuickStartTest}.
 */
public final class QuickStart {
  private QuickStart() {}

  /**
   * Sends a welcome push to one browser.
   *
   * @param args VAPID public key, VAPID private key (base64url), the browser's subscription JSON
   */
  public static void main(String[] args) {
    WebPushProvider webPush = WebPushProvider.builder()
        .vapid(VapidKeys.fromBase64Url(args[0], args[1]), "mailto:push@casino.example")
        .build();
    System.out.println(welcome(webPush, args[2]).stats());
  }

  /**
   * The quick start itself.
   *
   * @param webPush the Web Push provider
   * @param subscriptionJson the browser's {@code PushSubscription.toJSON()}
   * @return the dispatch report
   */
  public static DispatchReport welcome(WebPushProvider webPush, String subscriptionJson) {
    // -- quick start --
    InMemoryPlayerDirectory players = new InMemoryPlayerDirectory()
        .put(PlayerProfile.builder("player-42").attribute("first_name", "Ada").build());
    try (Herald herald = Herald.builder().playerDirectory(players).provider(webPush).build()) {
      herald.subscriptions().permissionGranted("player-42", "browser-1",
          WebPushAddress.fromSubscriptionJson(subscriptionJson, false));
      herald.subscriptions().updatePreferences("player-42", true, Set.of("promotions"));
      return herald.dispatch(DispatchRequest.builder("welcome", Audience.player("player-42"))
              .content(Content.of(MessageTemplate.builder()
                  .title("Welcome, {{first_name}}! 50 free spins are yours").build()))
              .build())
          .completion().join();
    }
    // -- end --
  }
}

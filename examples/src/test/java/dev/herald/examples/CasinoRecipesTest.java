package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.spi.AudienceResolver;
import dev.herald.trigger.TriggerRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CasinoRecipesTest {

  @Test
  void everyRecipeCanBeDefinedOnAHerald() {
    AudienceResolver noSegments = segment -> Stream.empty();
    try (Herald herald = Herald.builder().audienceResolver(noSegments).build()) {
      CasinoRecipes.triggerRules().forEach(herald.triggers()::define);
      assertThat(herald.triggers().rules()).extracting(TriggerRule::id).containsExactlyInAnyOrder(
          "deposit-reminder", "tournament-ending", "cashback-credited", "new-device-login",
          "reactivation", "bonus-expiring");
      herald.campaigns().create(CasinoRecipes.weeklyVipOffer("vip"));
      assertThat(herald.campaigns().find("vip-weekly")).isPresent();
    }
  }
}

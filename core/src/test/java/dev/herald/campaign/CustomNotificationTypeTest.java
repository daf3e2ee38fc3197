package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.embedded.ProfileComplianceGuard;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Custom notification types: built-in names are reserved, and a type survives the stores. */
class CustomNotificationTypeTest extends DispatchFixture {

  @Test
  void everyBuiltInNameIsReservedWhateverThePurpose() {
    for (NotificationType builtIn : NotificationType.builtIns()) {
      for (Purpose purpose : Purpose.values()) {
        assertThatThrownBy(() -> NotificationType.custom(builtIn.name(), purpose, "anything"))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("notificationType.name")
            .hasMessageContaining(builtIn.name() + " is reserved");
      }
    }
  }

  @Test
  void aSelfExcludedPlayerGetsNoMarketingMessageDressedAsAService() {
    webPlayer("alice");
    put(profile("alice").attribute(ProfileComplianceGuard.SELF_EXCLUDED, true));

    // The impersonation: a SERVICE type named PROMOTIONAL would skip consent and the guard.
    assertThatThrownBy(() -> NotificationType.custom("PROMOTIONAL", Purpose.SERVICE, "promotions"))
        .isInstanceOf(InvalidInputException.class);
    // The built-in one is MARKETING, so a transactional send refuses it before any delivery.
    assertThatThrownBy(() -> herald.transactional().send("alice",
            content(NotificationType.PROMOTIONAL, "Free spins"), "promo-1"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("MARKETING");
    assertThat(web.sent()).isEmpty();
  }

  @Test
  void customTypesAreEqualOnlyWhenNamePurposeAndCategoryAre() {
    NotificationType bonus = NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING, "bonus");
    assertThat(bonus).isEqualTo(NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING,
        "BONUS"));
    assertThat(bonus).isNotEqualTo(NotificationType.custom("BONUS_EXPIRING", Purpose.SERVICE,
        "bonus"));
    assertThat(bonus).isNotEqualTo(NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING,
        "promotions"));
    assertThat(Arrays.asList(NotificationType.builtIns())).doesNotContain(bonus);
  }

  @Test
  void aStoredCampaignKeepsItsCustomTypeAcrossARestart() {
    NotificationType payout =
        NotificationType.custom("PAYOUT_SENT", Purpose.SERVICE, "payments");
    NotificationType bonus =
        NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING, "bonus");
    herald.campaigns().create(Campaign.builder("payouts", "Payouts")
        .audience(Audience.player("alice"))
        .content(content(payout, "Your payout is on its way"))
        .build());
    herald.campaigns().create(Campaign.builder("bonus", "Bonus")
        .audience(Audience.player("alice"))
        .content(dev.herald.content.Content.of(MessageTemplate.builder().type(bonus)
            .title("Your bonus expires tonight").build()))
        .build());
    herald.campaigns().create(Campaign.builder("vip", "VIP")
        .audience(Audience.player("alice"))
        .content(content(NotificationType.VIP_OFFER, "A VIP offer"))
        .build());

    rebuild(b -> {}); // a new Herald over the same stores reads the definitions back
    Herald restarted = herald;

    assertThat(type(restarted, "payouts")).isEqualTo(payout);
    assertThat(type(restarted, "payouts").purpose()).isEqualTo(Purpose.SERVICE);
    assertThat(type(restarted, "payouts").category()).isEqualTo("payments");
    assertThat(type(restarted, "bonus")).isEqualTo(bonus);
    assertThat(type(restarted, "bonus").purpose()).isEqualTo(Purpose.MARKETING);
    assertThat(type(restarted, "vip")).isSameAs(NotificationType.VIP_OFFER);
  }

  private static NotificationType type(Herald herald, String campaignId) {
    return herald.campaigns().find(campaignId).orElseThrow()
        .campaign().content().defaultTemplate().type();
  }
}

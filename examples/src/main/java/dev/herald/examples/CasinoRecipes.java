package dev.herald.examples;

import dev.herald.campaign.Campaign;
import dev.herald.campaign.Schedule;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.content.Urgency;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.dispatch.Variant;
import dev.herald.trigger.EntryMode;
import dev.herald.trigger.EventCondition;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerRule;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

/**
 * Ready recipes for a casino's notification types: trigger rules and campaigns you can define as
 * they are or copy and adjust. Each is documented in {@code docs/campaigns-and-triggers.md}.
 *
 * <pre>{@code
 * CasinoRecipes.triggerRules().forEach(herald.triggers()::define);
 * herald.triggers().scheduleInactivityScans(Duration.ofHours(6));
 * }</pre>
 */
public final class CasinoRecipes {
  private CasinoRecipes() {}

  /** A custom type for bonus expiry, in its own opt-in category. */
  public static final NotificationType BONUS_EXPIRING =
      NotificationType.custom("BONUS_EXPIRING", Purpose.MARKETING, "promotions");

  /** The quiet hours every marketing recipe respects: 22:00 to 09:00 in the player's zone. */
  public static final QuietHours NIGHT =
      QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(9, 0));

  /** At most three marketing pushes a day, and one VIP offer a week. */
  public static final DeliveryPolicy MARKETING_POLICY = DeliveryPolicy.builder()
      .quietHours(NIGHT)
      .cap(FrequencyCap.marketing(3, CapWindow.rolling(Duration.ofDays(1))))
      .cap(FrequencyCap.type(NotificationType.VIP_OFFER, 1, CapWindow.rolling(Duration.ofDays(7))))
      .build();

  /**
   * Deposit reminder: 30 minutes after an abandoned deposit of at least €10, unless the player
   * deposits first; at most once a day.
   *
   * @return the rule
   */
  public static TriggerRule depositReminder() {
    return depositReminder(Duration.ofMinutes(30));
  }

  /**
   * The deposit reminder with another delay (the demo waits seconds, not half an hour).
   *
   * @param delay how long after the abandoned deposit the reminder goes
   * @return the rule
   */
  public static TriggerRule depositReminder(Duration delay) {
    return TriggerRule.builder("deposit-reminder", "Finish your deposit")
        .on(PlayerEventType.DEPOSIT_ABANDONED)
        .when(EventCondition.ge("amount", 10))
        .delay(delay)
        .cancelOn(PlayerEventType.DEPOSIT)
        .entryMode(EntryMode.oncePer(Duration.ofDays(1)))
        .policy(MARKETING_POLICY)
        .content(Content.builder(MessageTemplate.builder()
                .type(NotificationType.DEPOSIT_REMINDER)
                .title("{{first_name}}, your €{{amount}} deposit is one tap away")
                .body("Pick up where you left off — your welcome spins are waiting.")
                .deepLink("https://casino.example/cashier?resume={{event_id}}")
                .ttl(Duration.ofHours(6))
                .build())
            .locale(Locale.GERMAN, MessageTemplate.builder()
                .type(NotificationType.DEPOSIT_REMINDER)
                .title("{{first_name}}, deine Einzahlung über {{amount}} € wartet")
                .body("Mach dort weiter, wo du aufgehört hast.")
                .deepLink("https://casino.example/de/cashier?resume={{event_id}}")
                .ttl(Duration.ofHours(6))
                .build())
            .defaultValue("first_name", "Hi")
            .build())
        .build();
  }

  /**
   * Tournament starting soon: when the platform reports a tournament ending in under an hour, to
   * players who opted into tournament news (category "tournaments").
   *
   * @return the rule
   */
  public static TriggerRule tournamentEnding() {
    return TriggerRule.builder("tournament-ending", "Tournament ends soon")
        .on(PlayerEventType.TOURNAMENT_ENDING)
        .when(EventCondition.le("minutes_left", 60))
        .entryMode(EntryMode.everyTime())
        .policy(MARKETING_POLICY)
        .content(Content.of(MessageTemplate.builder()
            .type(NotificationType.TOURNAMENT)
            .title("{{tournament_name}} ends in {{minutes_left}} minutes")
            .body("You're #{{rank}} — one more spin could take the {{prize}} prize.")
            .deepLink("https://casino.example/tournaments/{{tournament_id}}")
            .urgency(Urgency.HIGH)
            .collapseKey("tournament-{{tournament_id}}")
            .ttl(Duration.ofMinutes(60))
            .build()))
        .build();
  }

  /**
   * Cashback credited: at once, every time.
   *
   * @return the rule
   */
  public static TriggerRule cashbackCredited() {
    return TriggerRule.builder("cashback-credited", "Cashback credited")
        .on(PlayerEventType.CASHBACK_CREDITED)
        .policy(MARKETING_POLICY)
        .content(Content.of(MessageTemplate.builder()
            .type(NotificationType.CASHBACK)
            .title("€{{amount}} cashback is in your account")
            .body("Your weekly cashback has landed. Good luck!")
            .deepLink("https://casino.example/wallet")
            .build()))
        .build();
  }

  /**
   * Security alert: a login from a new device, always delivered (SERVICE), on every device.
   *
   * @return the rule
   */
  public static TriggerRule newDeviceLogin() {
    return TriggerRule.builder("new-device-login", "Login from a new device")
        .on(PlayerEventType.LOGIN_NEW_DEVICE)
        .content(Content.of(MessageTemplate.builder()
            .type(NotificationType.SECURITY_ALERT)
            .title("New login from {{device}}")
            .body("If this wasn't you, secure your account now.")
            .action("secure", "Secure my account", "https://casino.example/security")
            .urgency(Urgency.HIGH)
            .build()))
        .build();
  }

  /**
   * Reactivation: no login for 14 days, once per spell of inactivity, at most once a month.
   *
   * @return the rule
   */
  public static TriggerRule reactivation() {
    return TriggerRule.builder("reactivation", "We miss you")
        .inactivity(PlayerEventType.LOGIN, Duration.ofDays(14))
        .entryMode(EntryMode.oncePer(Duration.ofDays(30)))
        .policy(MARKETING_POLICY)
        .content(Content.builder(MessageTemplate.builder()
                .type(NotificationType.REACTIVATION)
                .title("{{first_name}}, we saved you 20 free spins")
                .body("Come back this week and they're yours.")
                .deepLink("https://casino.example/promo/welcome-back")
                .build())
            .defaultValue("first_name", "Hey")
            .build())
        .build();
  }

  /**
   * Bonus expiring: when the platform reports a bonus expiring within a day.
   *
   * @return the rule
   */
  public static TriggerRule bonusExpiring() {
    return TriggerRule.builder("bonus-expiring", "Bonus about to expire")
        .on(PlayerEventType.BONUS_EXPIRING)
        .when(EventCondition.le("hours_left", 24))
        .entryMode(EntryMode.everyTime())
        .policy(MARKETING_POLICY)
        .content(Content.of(MessageTemplate.builder()
            .type(BONUS_EXPIRING)
            .title("Your {{bonus_name}} expires in {{hours_left}} hours")
            .deepLink("https://casino.example/bonuses")
            .build()))
        .build();
  }

  /**
   * Every trigger recipe.
   *
   * @return the rules
   */
  public static List<TriggerRule> triggerRules() {
    return List.of(depositReminder(), tournamentEnding(), cashbackCredited(), newDeviceLogin(),
        reactivation(), bonusExpiring());
  }

  /**
   * VIP offer: a weekly campaign to a segment of VIPs, A/B testing two offers with a 10 % control
   * group, Fridays at 18:00 Malta time.
   *
   * @param segmentId the VIP segment
   * @return the campaign
   */
  public static Campaign weeklyVipOffer(String segmentId) {
    return Campaign.builder("vip-weekly", "Weekly VIP offer")
        .audience(Audience.segment(segmentId))
        .variant(Variant.of("reload", Content.of(MessageTemplate.builder()
            .type(NotificationType.VIP_OFFER)
            .title("{{first_name}}, a 50% reload bonus just for you")
            .deepLink("https://casino.example/vip/reload")
            .build())))
        .variant(Variant.of("spins", Content.of(MessageTemplate.builder()
            .type(NotificationType.VIP_OFFER)
            .title("{{first_name}}, 100 VIP free spins are waiting")
            .deepLink("https://casino.example/vip/spins")
            .build())))
        .controlShare(0.1)
        .schedule(Schedule.recurring("0 18 * * FRI", ZoneId.of("Europe/Malta")))
        .policy(MARKETING_POLICY)
        .build();
  }
}

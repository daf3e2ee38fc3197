package dev.herald.content;

/**
 * Why a notification is sent, which decides the rules it obeys.
 *
 * <p>MARKETING messages need consent and the category opt-in, are checked against the compliance
 * guard (responsible gambling) and count against frequency caps and quiet hours. SERVICE
 * messages (a security alert, an account notice) always reach a player's ALLOWED devices.
 */
public enum Purpose {
  /** Promotions, offers, reminders: consent, responsible-gambling and caps apply. */
  MARKETING,
  /** Security and account notices: reach the player whatever their marketing state. */
  SERVICE
}

package dev.herald.fcm;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.subscription.FcmAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an FCM message goes: exactly one of a registration {@link Token token}, a {@link Topic
 * topic} or a topic {@link Condition condition}.
 *
 * <p>Herald's subscriptions hold tokens ({@link FcmAddress}); topics and conditions let a host fan
 * a message out on Google's side, for example to every app instance subscribed to
 * {@code "jackpot-alerts"}, through {@link FcmProvider#send(FcmTarget, String,
 * dev.herald.content.Notification, java.time.Instant)}. Each factory validates its argument and
 * throws an {@link InvalidInputException} naming the field.
 */
public sealed interface FcmTarget permits FcmTarget.Token, FcmTarget.Topic, FcmTarget.Condition {

  /** The most topics FCM accepts in one condition. */
  int MAX_CONDITION_TOPICS = 5;

  /**
   * A registration token, as the Firebase SDK in the app reports it.
   *
   * @param token the token
   * @return the target
   */
  static Token token(String token) {
    return new Token(token);
  }

  /**
   * A topic; a leading {@code /topics/} is removed.
   *
   * @param name the topic name: letters, digits and {@code - _ . ~ %}
   * @return the target
   */
  static Topic topic(String name) {
    return new Topic(name);
  }

  /**
   * A condition over topics, such as {@code "'slots' in topics && 'vip' in topics"}.
   *
   * @param expression the condition, with at most {@value #MAX_CONDITION_TOPICS} topics
   * @return the target
   */
  static Condition condition(String expression) {
    return new Condition(expression);
  }

  /**
   * The field name in the FCM message: {@code token}, {@code topic} or {@code condition}.
   *
   * @return the field name
   */
  String field();

  /**
   * The field value sent to FCM.
   *
   * @return the token, topic name or condition
   */
  String value();

  /**
   * A registration token.
   *
   * @param token the token: not blank, at most {@value FcmAddress#MAX_TOKEN_CHARS} characters,
   *     no whitespace
   */
  record Token(String token) implements FcmTarget {
    /**
     * Validates the token with the same rules as {@link FcmAddress}.
     *
     * @param token the token
     */
    public Token {
      token = new FcmAddress(token).token();
    }

    @Override
    public String field() {
      return "token";
    }

    @Override
    public String value() {
      return token;
    }

    /** Abbreviates the token, like {@link FcmAddress#toString()}. */
    @Override
    public String toString() {
      return "Token{" + new FcmAddress(token) + "}";
    }
  }

  /**
   * A topic.
   *
   * @param name the topic name without the {@code /topics/} prefix
   */
  record Topic(String name) implements FcmTarget {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9\\-_.~%]+");
    private static final String PREFIX = "/topics/";

    /**
     * Strips a {@code /topics/} prefix and validates the name.
     *
     * @param name the topic name, with or without the prefix
     */
    public Topic {
      name = Checks.nonBlank(name, "fcm.topic", 1024);
      if (name.startsWith(PREFIX)) {
        name = name.substring(PREFIX.length());
      }
      if (!NAME.matcher(name).matches()) {
        throw new InvalidInputException(
            "fcm.topic", "must match [a-zA-Z0-9-_.~%]+ (after an optional /topics/ prefix)");
      }
    }

    @Override
    public String field() {
      return "topic";
    }

    @Override
    public String value() {
      return name;
    }
  }

  /**
   * A condition over topics.
   *
   * @param expression the condition, for example {@code "'a' in topics && ('b' in topics || 'c'
   *     in topics)"}
   */
  record Condition(String expression) implements FcmTarget {
    private static final Pattern TOPIC_TEST = Pattern.compile("'[^']*'\\s+in\\s+topics");

    /**
     * Validates the expression's length and number of topics.
     *
     * @param expression the condition
     */
    public Condition {
      expression = Checks.nonBlank(expression, "fcm.condition", 1024);
      Matcher m = TOPIC_TEST.matcher(expression);
      int topics = 0;
      while (m.find()) {
        topics++;
      }
      if (topics == 0) {
        throw new InvalidInputException(
            "fcm.condition", "must test at least one topic, as in 'name' in topics");
      }
      if (topics > MAX_CONDITION_TOPICS) {
        throw new InvalidInputException(
            "fcm.condition",
            "must test at most " + MAX_CONDITION_TOPICS + " topics, got " + topics);
      }
    }

    @Override
    public String field() {
      return "condition";
    }

    @Override
    public String value() {
      return expression;
    }
  }
}

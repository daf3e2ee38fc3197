package dev.herald.analytics;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts for a campaign, a variant or a dispatch run, derived from its delivery records so that
 * they always add up:
 * <ul>
 *   <li>{@code audience = suppressed + pending + sent}
 *   <li>{@code sent = delivered + failed}
 *   <li>{@code suppressed} is the sum of {@code suppressedByReason}, {@code failed} of
 *       {@code failedByReason}
 * </ul>
 * The audience counts deliveries: one per targeted device, plus one per player without a matching
 * device. {@code pending} is non-zero only while a dispatch runs.
 *
 * @param audience every delivery considered
 * @param suppressed held back by a gate
 * @param suppressedByReason suppressed deliveries per {@link Suppression} code
 * @param pending claimed or being sent, outcome not yet known
 * @param sent handed to a push service (delivered + failed)
 * @param delivered accepted by the push service
 * @param failed not accepted (invalid address, rejected, retries exhausted, unknown)
 * @param failedByReason failed deliveries per {@link Suppression} failure code
 * @param clicked delivered messages clicked at least once
 * @param conversions goals credited to clicks
 * @param conversionValue the summed value of those goals
 */
public record DeliveryStats(
    long audience,
    long suppressed,
    Map<String, Long> suppressedByReason,
    long pending,
    long sent,
    long delivered,
    long failed,
    Map<String, Long> failedByReason,
    long clicked,
    long conversions,
    BigDecimal conversionValue) {

  /**
   * Copies the maps.
   *
   * @param audience every delivery considered
   * @param suppressed held back by a gate
   * @param suppressedByReason suppressed deliveries per {@link Suppression} code
   * @param pending claimed or being sent, outcome not yet known
   * @param sent handed to a push service (delivered + failed)
   * @param delivered accepted by the push service
   * @param failed not accepted (invalid address, rejected, retries exhausted, unknown)
   * @param failedByReason failed deliveries per {@link Suppression} failure code
   * @param clicked delivered messages clicked at least once
   * @param conversions goals credited to clicks
   * @param conversionValue the summed value of those goals
   */
  public DeliveryStats {
    suppressedByReason = Collections.unmodifiableMap(new TreeMap<>(suppressedByReason));
    failedByReason = Collections.unmodifiableMap(new TreeMap<>(failedByReason));
  }

  /**
   * Clicked as a share of delivered.
   *
   * @return between 0 and 1; 0 when nothing was delivered
   */
  public double clickThroughRate() {
    return delivered == 0 ? 0 : (double) clicked / delivered;
  }

  /**
   * Adds delivery records up; not thread-safe.
   */
  public static final class Accumulator {
    private long audience;
    private long suppressed;
    private final Map<String, Long> suppressedByReason = new TreeMap<>();
    private long pending;
    private long delivered;
    private long failed;
    private final Map<String, Long> failedByReason = new TreeMap<>();
    private long clicked;
    private long conversions;
    private BigDecimal conversionValue = BigDecimal.ZERO;

    /** Creates an empty accumulator. */
    public Accumulator() {}

    /**
     * Counts one record.
     *
     * @param r the record
     * @return this accumulator
     */
    public Accumulator add(DeliveryRecord r) {
      audience++;
      switch (r.state()) {
        case SUPPRESSED -> {
          suppressed++;
          suppressedByReason.merge(r.reason(), 1L, Long::sum);
        }
        case CLAIMED, SENDING -> pending++;
        case DELIVERED -> delivered++;
        case FAILED -> {
          failed++;
          failedByReason.merge(r.reason(), 1L, Long::sum);
        }
      }
      if (r.clickedAt().isPresent()) {
        clicked++;
      }
      conversions += r.conversions();
      conversionValue = conversionValue.add(r.conversionValue());
      return this;
    }

    /** @return the counts so far */
    public DeliveryStats build() {
      return new DeliveryStats(audience, suppressed, suppressedByReason, pending,
          delivered + failed, delivered, failed, failedByReason, clicked, conversions,
          conversionValue);
    }
  }
}

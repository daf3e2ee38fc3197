package dev.herald.benchmarks.segmentation;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.PlayerIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic population of casino players held in primitive arrays (so the benchmark's own
 * data does not dominate the heap), from which both the columnar {@link PlayerIndex} and the
 * RoaringBitmap variant are built.
 */
final class CasinoPlayers {
  static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");
  static final String[] COUNTRIES = {"DE", "AT", "CH", "GB", "SE", "FI", "NO", "NL", "IE", "CA",
      "NZ", "BR"};
  static final int[] COUNTRY_WEIGHTS = {25, 8, 6, 14, 9, 7, 6, 8, 5, 5, 3, 4};
  static final String[] LANGUAGES = {"de", "en", "sv", "fi", "no", "nl", "pt"};
  static final String[] CATEGORIES = {"tournaments", "promotions", "cashback", "vip"};
  static final double[] CATEGORY_RATES = {0.30, 0.40, 0.20, 0.05};
  static final String[] TAGS = {"high-roller", "slots", "live-casino", "sports", "bonus-hunter"};
  static final int MISSING = -1;

  final int size;
  final boolean[] pushEnabled;
  final int[] vipLevel;          // MISSING when absent
  final int[] country;           // index into COUNTRIES, MISSING when absent
  final int[] language;
  final double[] balance;
  final int[] depositCount;
  final double[] depositSum;
  final long[] registeredAt;     // epoch millis
  final long[] lastLoginAt;      // epoch millis, Long.MIN_VALUE when absent
  final long[] lastDepositAt;    // epoch millis, Long.MIN_VALUE when absent
  final int[] categories;        // bit per CATEGORIES entry
  final int[] tags;              // bit per TAGS entry
  final boolean[] selfExcluded;

  CasinoPlayers(int size, long seed) {
    this.size = size;
    pushEnabled = new boolean[size];
    vipLevel = new int[size];
    country = new int[size];
    language = new int[size];
    balance = new double[size];
    depositCount = new int[size];
    depositSum = new double[size];
    registeredAt = new long[size];
    lastLoginAt = new long[size];
    lastDepositAt = new long[size];
    categories = new int[size];
    tags = new int[size];
    selfExcluded = new boolean[size];
    SplittableRandom r = new SplittableRandom(seed);
    long now = NOW.toEpochMilli();
    long day = Duration.ofDays(1).toMillis();
    for (int i = 0; i < size; i++) {
      pushEnabled[i] = r.nextDouble() < 0.55;
      double v = r.nextDouble();
      vipLevel[i] = v < 0.02 ? MISSING : v < 0.50 ? 0 : v < 0.75 ? r.nextInt(1, 3)
          : r.nextInt(3, 11);
      country[i] = r.nextDouble() < 0.01 ? MISSING : weighted(r);
      language[i] = r.nextInt(LANGUAGES.length);
      balance[i] = Math.round(r.nextDouble() * 50_000) / 100.0;
      depositCount[i] = r.nextInt(0, 200);
      depositSum[i] = depositCount[i] * (10 + r.nextInt(0, 90));
      registeredAt[i] = now - r.nextLong(1, 1500 * day);
      lastLoginAt[i] = r.nextDouble() < 0.05 ? Long.MIN_VALUE : now - r.nextLong(0, 200 * day);
      lastDepositAt[i] = r.nextDouble() < 0.15 ? Long.MIN_VALUE : now - r.nextLong(0, 120 * day);
      int c = 0;
      for (int k = 0; k < CATEGORIES.length; k++) {
        if (r.nextDouble() < CATEGORY_RATES[k]) {
          c |= 1 << k;
        }
      }
      categories[i] = c;
      tags[i] = r.nextInt(1 << TAGS.length) & r.nextInt(1 << TAGS.length);
      selfExcluded[i] = r.nextDouble() < 0.03;
    }
  }

  private static int weighted(SplittableRandom r) {
    int x = r.nextInt(100);
    for (int k = 0; k < COUNTRY_WEIGHTS.length; k++) {
      x -= COUNTRY_WEIGHTS[k];
      if (x < 0) {
        return k;
      }
    }
    return COUNTRY_WEIGHTS.length - 1;
  }

  static String id(int row) {
    return "player-" + String.format("%07d", row);
  }

  /** One player as the attribute map a trigger would read. */
  Map<String, Object> player(int i) {
    Map<String, Object> p = new HashMap<>();
    p.put("push.enabled", pushEnabled[i]);
    if (vipLevel[i] != MISSING) {
      p.put("vip_level", (long) vipLevel[i]);
    }
    if (country[i] != MISSING) {
      p.put("country", COUNTRIES[country[i]]);
    }
    p.put("language", LANGUAGES[language[i]]);
    p.put("balance", balance[i]);
    p.put("deposit_count", (long) depositCount[i]);
    p.put("deposit_sum", depositSum[i]);
    p.put("registered_at", Instant.ofEpochMilli(registeredAt[i]));
    if (lastLoginAt[i] != Long.MIN_VALUE) {
      p.put("last_login_at", Instant.ofEpochMilli(lastLoginAt[i]));
    }
    if (lastDepositAt[i] != Long.MIN_VALUE) {
      p.put("last_deposit_at", Instant.ofEpochMilli(lastDepositAt[i]));
    }
    p.put("push.categories", bits(categories[i], CATEGORIES));
    p.put("tags", bits(tags[i], TAGS));
    p.put("rg.self_excluded", selfExcluded[i]);
    return p;
  }

  private static Set<String> bits(int mask, String[] names) {
    java.util.TreeSet<String> s = new java.util.TreeSet<>();
    for (int k = 0; k < names.length; k++) {
      if ((mask & (1 << k)) != 0) {
        s.add(names[k]);
      }
    }
    return s;
  }

  /** Builds the columnar index, one player map at a time (none is kept). */
  PlayerIndex index(AttributeCatalogue catalogue) {
    PlayerIndex.Builder b = PlayerIndex.builder(catalogue);
    for (int i = 0; i < size; i++) {
      b.add(id(i), PlayerAttributes.of(player(i)));
    }
    return b.build(NOW);
  }
}

package dev.herald.segmentation;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Random players and random rules over small value domains, so that rules often match. */
final class RandomRules {
  static final Instant NOW = Instant.parse("2026-03-15T12:00:00.123456789Z");
  static final String[] NUMBERS = {"vip_level", "balance", "push.devices"};
  static final String[] STRINGS = {"country", "language", "push.status"};
  static final String[] TIMES = {"last_login_at", "registered_at", "last_deposit_at"};
  static final String[] BOOLEANS = {"push.enabled", "rg.self_excluded"};
  static final String[] SETS = {"push.categories", "push.brands", "tags"};
  static final String[] COUNTRIES = {"DE", "AT", "CH", "GB", "", "DEU", "de"};
  static final String[] ELEMENTS = {"tournaments", "promotions", "cashback", "vip"};
  static final double[] AMOUNTS = {0, -0.0, 0.5, 3, 10, 99.99, 100, 250.5, -3};
  static final Duration[] OFFSETS = {
    Duration.ZERO, Duration.ofDays(7), Duration.ofDays(30), Duration.ofHours(1),
    Duration.ofSeconds(1), Duration.ofDays(365)
  };

  private final Random random;

  RandomRules(long seed) {
    this.random = new Random(seed);
  }

  /** A player's raw values: some missing, some of the wrong Java type, numbers of every type. */
  Map<String, Object> player() {
    Map<String, Object> p = new HashMap<>();
    for (String n : NUMBERS) {
      maybe(p, n, () -> switch (random.nextInt(5)) {
        case 0 -> (long) random.nextInt(6);
        case 1 -> random.nextInt(6);
        case 2 -> AMOUNTS[random.nextInt(AMOUNTS.length)];
        case 3 -> BigDecimal.valueOf(AMOUNTS[random.nextInt(AMOUNTS.length)]);
        default -> random.nextBoolean() ? Double.NaN : (float) random.nextInt(4);
      });
    }
    for (String n : STRINGS) {
      // language has many distinct values, so it is stored as codes, not bitmaps per value
      maybe(p, n, () -> n.equals("language") && random.nextInt(3) == 0
          ? "x" + random.nextInt(120) : COUNTRIES[random.nextInt(COUNTRIES.length)]);
    }
    for (String n : TIMES) {
      maybe(p, n, this::time);
    }
    for (String n : BOOLEANS) {
      maybe(p, n, random::nextBoolean);
    }
    for (String n : SETS) {
      maybe(p, n, () -> {
        Set<String> s = new LinkedHashSet<>();
        for (String e : ELEMENTS) {
          if (random.nextInt(3) == 0) {
            s.add(e);
          }
        }
        return random.nextInt(10) == 0 ? new ArrayList<>(s) : s;
      });
    }
    return p;
  }

  private Instant time() {
    Duration d = OFFSETS[random.nextInt(OFFSETS.length)];
    Instant base = random.nextBoolean() ? NOW.minus(d) : NOW.plus(d);
    // jitter below a millisecond and around boundaries
    return base.plusNanos(random.nextInt(3) == 0 ? random.nextInt(2_000_000) - 1_000_000 : 0);
  }

  private void maybe(Map<String, Object> p, String name, java.util.function.Supplier<Object> v) {
    int r = random.nextInt(20);
    if (r < 4) {
      return; // missing
    }
    if (r == 4) {
      p.put(name, random.nextBoolean() ? "wrong" : List.of(1, 2)); // wrong type
      return;
    }
    p.put(name, v.get());
  }

  Condition condition(int depth) {
    int r = random.nextInt(depth <= 0 ? 1 : 10);
    if (r >= 7) {
      int n = 2 + random.nextInt(3);
      List<Condition> parts = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        parts.add(condition(depth - 1));
      }
      return random.nextBoolean() ? Condition.all(parts) : Condition.any(parts);
    }
    if (r == 6) {
      return Condition.not(condition(depth - 1));
    }
    return test();
  }

  Condition test() {
    switch (random.nextInt(5)) {
      case 0: {
        String a = pick(NUMBERS);
        Operator op = pick(new Operator[] {Operator.EQ, Operator.NE, Operator.LT, Operator.LE,
            Operator.GT, Operator.GE, Operator.BETWEEN, Operator.IN, Operator.NOT_IN,
            Operator.EXISTS, Operator.MISSING});
        return switch (op) {
          case BETWEEN -> {
            double x = amount();
            double y = amount();
            yield Condition.test(a, op, Value.Num.of(Math.min(x, y)), Value.Num.of(Math.max(x, y)));
          }
          case IN, NOT_IN -> Condition.test(a, op, Value.Num.of(amount()), Value.Num.of(amount()));
          case EXISTS, MISSING -> Condition.test(a, op);
          default -> Condition.test(a, op, Value.Num.of(amount()));
        };
      }
      case 1: {
        String a = pick(STRINGS);
        Operator op = pick(new Operator[] {Operator.EQ, Operator.NE, Operator.IN,
            Operator.NOT_IN, Operator.STARTS_WITH, Operator.EXISTS, Operator.MISSING});
        return switch (op) {
          case IN, NOT_IN -> Condition.test(a, op, text(), text(), text());
          case STARTS_WITH -> Condition.test(a, op,
              new Value.Text(pick(new String[] {"D", "", "A", "DE", "d", "x1", "x"})));
          case EXISTS, MISSING -> Condition.test(a, op);
          default -> Condition.test(a, op, text());
        };
      }
      case 2: {
        String a = pick(TIMES);
        Operator op = pick(new Operator[] {Operator.EQ, Operator.NE, Operator.LT, Operator.LE,
            Operator.GT, Operator.GE, Operator.BETWEEN, Operator.WITHIN, Operator.EXISTS});
        return switch (op) {
          case BETWEEN -> Condition.test(a, op,
              new Value.Now(Duration.ofDays(-30)), new Value.Timestamp(NOW.plusSeconds(1)));
          case WITHIN -> Condition.test(a, op, new Value.Span(pick(new Duration[] {
              Duration.ofDays(7), Duration.ofDays(30), Duration.ofHours(1)})));
          case EXISTS -> Condition.test(a, op);
          default -> Condition.test(a, op, random.nextBoolean()
              ? new Value.Now(pick(OFFSETS).negated())
              : new Value.Timestamp(time()));
        };
      }
      case 3:
        return Condition.test(pick(BOOLEANS), random.nextBoolean() ? Operator.EQ : Operator.NE,
            new Value.Bool(random.nextBoolean()));
      default:
        return random.nextInt(6) == 0
            ? Condition.test(pick(SETS), Operator.EXISTS)
            : Condition.test(pick(SETS), Operator.CONTAINS,
                new Value.Text(pick(new String[] {"tournaments", "vip", "nope"})));
    }
  }

  private double amount() {
    return AMOUNTS[random.nextInt(AMOUNTS.length)];
  }

  private Value text() {
    return new Value.Text(random.nextInt(4) == 0 ? "x" + random.nextInt(120) : pick(COUNTRIES));
  }

  private <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }
}

package dev.herald.benchmarks.segmentation;

import java.time.Duration;
import org.roaringbitmap.RangeBitmap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The alternative the issue asked to measure: the benchmark segment evaluated with RoaringBitmap
 * — an inverted bitmap per boolean, country and category, and a {@link RangeBitmap} (a
 * bit-sliced range index) per number and timestamp column, with a presence bitmap each. The plan
 * is hand-ordered for this one segment (cheapest, most selective bitmaps first, range queries
 * restricted to the running context), so it is RoaringBitmap at its best, not a general engine.
 */
final class RoaringSegmentIndex {
  private final RoaringBitmap pushEnabled = new RoaringBitmap();
  private final RoaringBitmap selfExcluded = new RoaringBitmap();
  private final RoaringBitmap[] countries = new RoaringBitmap[CasinoPlayers.COUNTRIES.length];
  private final RoaringBitmap[] categories = new RoaringBitmap[CasinoPlayers.CATEGORIES.length];
  private final RoaringBitmap vipPresent = new RoaringBitmap();
  private final RoaringBitmap depositPresent = new RoaringBitmap();
  private final RangeBitmap vipLevel;
  private final RangeBitmap lastDepositAt;
  private final long depositBase;
  private final long rangeBytes;
  private final byte[] idBytes;
  private final int[] idOffsets;

  RoaringSegmentIndex(CasinoPlayers p) {
    for (int k = 0; k < countries.length; k++) {
      countries[k] = new RoaringBitmap();
    }
    for (int k = 0; k < categories.length; k++) {
      categories[k] = new RoaringBitmap();
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < p.size; i++) {
      if (p.lastDepositAt[i] != Long.MIN_VALUE) {
        min = Math.min(min, p.lastDepositAt[i]);
        max = Math.max(max, p.lastDepositAt[i]);
      }
    }
    depositBase = min;
    RangeBitmap.Appender vip = RangeBitmap.appender(10);
    RangeBitmap.Appender deposit = RangeBitmap.appender(max - min);
    for (int i = 0; i < p.size; i++) {
      if (p.pushEnabled[i]) {
        pushEnabled.add(i);
      }
      if (p.selfExcluded[i]) {
        selfExcluded.add(i);
      }
      if (p.country[i] != CasinoPlayers.MISSING) {
        countries[p.country[i]].add(i);
      }
      for (int k = 0; k < categories.length; k++) {
        if ((p.categories[i] & (1 << k)) != 0) {
          categories[k].add(i);
        }
      }
      if (p.vipLevel[i] != CasinoPlayers.MISSING) {
        vipPresent.add(i);
        vip.add(p.vipLevel[i]);
      } else {
        vip.add(0);
      }
      if (p.lastDepositAt[i] != Long.MIN_VALUE) {
        depositPresent.add(i);
        deposit.add(p.lastDepositAt[i] - min);
      } else {
        deposit.add(0);
      }
    }
    java.io.ByteArrayOutputStream ids = new java.io.ByteArrayOutputStream(p.size * 14);
    idOffsets = new int[p.size + 1];
    for (int i = 0; i < p.size; i++) {
      byte[] id = CasinoPlayers.id(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ids.write(id, 0, id.length);
      idOffsets[i + 1] = ids.size();
    }
    idBytes = ids.toByteArray();
    rangeBytes = vip.serializedSizeInBytes() + deposit.serializedSizeInBytes();
    vipLevel = vip.build();
    lastDepositAt = deposit.build();
    for (RoaringBitmap b : new RoaringBitmap[] {pushEnabled, selfExcluded, vipPresent,
        depositPresent}) {
      b.runOptimize();
    }
  }

  /** The members of the benchmark segment, as a bitmap of rows. */
  RoaringBitmap members() {
    long cutoff = CasinoPlayers.NOW.minus(Duration.ofDays(7)).toEpochMilli() - depositBase;
    // push.enabled and not rg.self_excluded (both always present in this population)
    RoaringBitmap context = RoaringBitmap.andNot(pushEnabled, selfExcluded);
    // categories contains "tournaments"
    context.and(categories[0]);
    // country in ("DE", "AT")
    context.and(RoaringBitmap.or(countries[0], countries[1]));
    // vip_level >= 3
    context.and(vipPresent);
    context = vipLevel.gte(3, context);
    // last_deposit_at before now - 7d
    context.and(depositPresent);
    return cutoff <= 0 ? new RoaringBitmap() : lastDepositAt.lt(cutoff, context);
  }

  /** The audience size. */
  long count() {
    long cutoff = CasinoPlayers.NOW.minus(Duration.ofDays(7)).toEpochMilli() - depositBase;
    RoaringBitmap context = RoaringBitmap.andNot(pushEnabled, selfExcluded);
    context.and(categories[0]);
    context.and(RoaringBitmap.or(countries[0], countries[1]));
    context.and(vipPresent);
    context = vipLevel.gte(3, context);
    context.and(depositPresent);
    return cutoff <= 0 ? 0 : lastDepositAt.ltCardinality(cutoff, context);
  }

  /** A member's id, stored like the columnar index stores it (UTF-8 in one array). */
  String id(int row) {
    int from = idOffsets[row];
    return new String(idBytes, from, idOffsets[row + 1] - from,
        java.nio.charset.StandardCharsets.UTF_8);
  }

  long bytes() {
    long b = rangeBytes + pushEnabled.getSizeInBytes() + selfExcluded.getSizeInBytes()
        + vipPresent.getSizeInBytes() + depositPresent.getSizeInBytes();
    for (RoaringBitmap r : countries) {
      b += r.getSizeInBytes();
    }
    for (RoaringBitmap r : categories) {
      b += r.getSizeInBytes();
    }
    return b;
  }
}

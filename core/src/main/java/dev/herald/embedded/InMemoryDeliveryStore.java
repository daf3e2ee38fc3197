package dev.herald.embedded;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.internal.Checks;
import dev.herald.spi.DeliveryStore;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A thread-safe {@link DeliveryStore} in memory: the default when the host supplies none. Keeps
 * everything until the JVM exits or {@link #deleteBefore} (retention) deletes it; a production host
 * should back the SPI with its database.
 *
 * <p>It is compact, so that a campaign to a million devices fits a small heap: under 150 bytes
 * per delivery with its sent and delivered events, the provider's message id and every index, on
 * a 64-bit JVM with compressed references (the player and device id strings are shared with the
 * caller, not copied; {@code InMemoryDeliveryStoreMemoryTest} measures it). Records and events
 * are kept as rows of primitive columns — creation as epoch nanoseconds, later times as
 * microseconds after it, states and platforms as bytes, delivery ids as two longs, the repeated
 * source, step, variant, type and category as one shared "shape", reasons and details numbered
 * in 2-byte columns, message ids packed into one byte array per block of rows (the start they
 * share with the block's first id of that platform left out, digits and hex two to a byte, a
 * UUID as 16 bytes) — and the indexes are open-address tables and linked lists of row numbers.
 * Values that do not fit (a host-made delivery id, a far-away instant) are kept whole, at a
 * higher cost. Each read decodes a fresh {@link DeliveryRecord} or
 * {@link DeliveryEvent}. Every operation takes one lock: {@link #modify} is atomic, and the batch
 * methods take the lock once per batch.
 *
 * <p>{@link #erasePlayer} rewrites the player id of the player's rows in place (re-indexing their
 * keys) and drops their device, message id and details. {@link #deleteBefore} marks rows and
 * events deleted and takes them out of every index; reads skip them, and a block of rows or events
 * whose every row is deleted is freed, so a store trimmed by retention stays bounded.
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MASK = CHUNK - 1;
  private static final int NONE = -1;
  /** Row flags (the bits of {@link #ID_KIND}): the delivery id is in idHigh/idLow. */
  private static final byte ID_BITS = 4;
  /** Row flags: the delivery id is in the overflow map. */
  private static final byte ID_RAW = 8;
  private static final byte ID_KIND = ID_BITS | ID_RAW;
  private static final long NANOS_OUT_OF_RANGE = Long.MIN_VALUE;
  private static final long NO_DELTA = Long.MIN_VALUE;
  private static final int UPDATED_ELSEWHERE = Integer.MIN_VALUE;
  /** A row flag: the player was erased, so the row's events have no player, device or detail. */
  private static final byte ERASED = 1;
  /** A row flag: retention deleted the row; no index leads to it any more. */
  private static final byte DELETED = 2;
  /** An event's row when retention deleted the event. */
  private static final int DELETED_EVENT = -2;
  /** An event's extra column: the extra is in the chunk's map. */
  private static final char WHOLE = Character.MAX_VALUE;
  private static final Platform[] PLATFORMS = Platform.values();
  private static final DeliveryState[] STATES = DeliveryState.values();
  private static final EventType[] EVENT_TYPES = EventType.values();
  private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder ID_DECODER = Base64.getUrlDecoder();

  private final Object lock = new Object();

  // Delivery rows, in chunks so that growing never copies a large array.
  private final List<RecordChunk> records = new ArrayList<>();
  private int recordCount;
  private final List<Shape> shapes = new ArrayList<>();
  private final Map<Shape, Integer> shapeIds = new HashMap<>();
  /** Rare values that do not fit a column: a non-canonical delivery id, a far-away instant. */
  private final Map<Long, Object> overflow = new HashMap<>();

  // Indexes: open-address tables of row + 1 (0 is an empty slot), linear probing.
  private int[] byKey;
  private int[] byId;
  private int[] byPlayer;
  private int keyCount;
  private int idCount;

  /** Players: the table holds each player's newest row; rows link to the player's older ones. */
  private int playerCount;

  /** Per source, its steps' rows in claim order; LinkedHashMap keeps steps in first-claim order. */
  private final Map<String, Map<String, IntList>> rowsBySourceStep = new HashMap<>();

  // Event rows. An event of a delivery is linked from the delivery's row; the others ("loose":
  // source-level events, or events that do not repeat a stored delivery) are listed here.
  private final List<EventChunk> events = new ArrayList<>();
  private int eventCount;
  private final Map<String, IntList> looseEventsBySource = new HashMap<>();
  private final Map<String, IntList> looseEventsByPlayer = new HashMap<>();

  /** Event extras without a value, numbered in the events' {@code extra} column. */
  private final Numbered<EventExtra> extras = new Numbered<>();
  /** Delivery outcomes (reason and detail), numbered in the rows' {@code outcome} column. */
  private final Numbered<Outcome> outcomes = new Numbered<>();

  /** Retention scans from these: every row and event before them is deleted. */
  private int firstLiveRow;
  private int firstLiveEvent;

  private final Map<String, DispatchProgress> progress = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryDeliveryStore() {
    this(16);
  }

  /**
   * Creates an empty store sized for a number of deliveries, so a large first campaign does not
   * spend its time growing hash tables.
   *
   * @param expectedDeliveries how many deliveries the store will likely hold
   */
  public InMemoryDeliveryStore(int expectedDeliveries) {
    int capacity = tableSize(Math.max(16, expectedDeliveries));
    this.byKey = new int[capacity];
    this.byId = new int[capacity];
    this.byPlayer = new int[capacity];
  }

  private static int tableSize(int entries) {
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, (long) entries * 4 / 3 + 1));
  }

  /** The first slot of a hash in a table of any length (multiply-shift, not a power-of-two mask). */
  private static int slot(int hash, int[] table) {
    return (int) (((hash & 0xFFFFFFFFL) * table.length) >>> 32);
  }

  private static int next(int slot, int[] table) {
    return slot + 1 == table.length ? 0 : slot + 1;
  }

  private static boolean full(int entries, int[] table) {
    return entries * 4L > table.length * 3L;
  }

  // ------------------------------------------------------------------------------ the SPI

  @Override
  public boolean claim(DeliveryRecord record) {
    Checks.required(record, "record");
    synchronized (lock) {
      return claimLocked(record);
    }
  }

  @Override
  public List<Boolean> claimAll(List<DeliveryRecord> batch) {
    Checks.required(batch, "records");
    List<Boolean> inserted = new ArrayList<>(batch.size());
    synchronized (lock) {
      for (DeliveryRecord record : batch) {
        inserted.add(claimLocked(Checks.required(record, "record")));
      }
    }
    return inserted;
  }

  @Override
  public void update(DeliveryRecord record) {
    Checks.required(record, "record");
    synchronized (lock) {
      int row = rowOf(record.sourceId(), record.step(), record.playerId(),
          record.deviceId().orElse(""));
      if (row == NONE) {
        throw new IllegalArgumentException(
            "no delivery with key " + record.key() + " to update; claim it first");
      }
      write(row, record);
    }
  }

  @Override
  public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    Checks.required(change, "change");
    synchronized (lock) {
      return Optional.ofNullable(modifyLocked(key, change));
    }
  }

  @Override
  public List<DeliveryRecord> modifyAll(List<String> keys, UnaryOperator<DeliveryRecord> change) {
    Checks.required(keys, "keys");
    Checks.required(change, "change");
    List<DeliveryRecord> written = new ArrayList<>(keys.size());
    synchronized (lock) {
      for (String key : keys) {
        DeliveryRecord changed = modifyLocked(key, change);
        if (changed != null) {
          written.add(changed);
        }
      }
    }
    return written;
  }

  @Override
  public Optional<DeliveryRecord> find(String key) {
    if (key == null) {
      return Optional.empty();
    }
    synchronized (lock) {
      int row = rowOfKey(key);
      return row == NONE ? Optional.empty() : Optional.of(decode(row));
    }
  }

  @Override
  public Optional<DeliveryRecord> findById(String deliveryId) {
    if (deliveryId == null) {
      return Optional.empty();
    }
    synchronized (lock) {
      int row = rowOfId(deliveryId);
      return row == NONE ? Optional.empty() : Optional.of(decode(row));
    }
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
    List<IntList> steps;
    synchronized (lock) {
      Map<String, IntList> bySteps = rowsBySourceStep.get(sourceId);
      steps = bySteps == null ? List.of() : List.copyOf(bySteps.values());
    }
    return steps.stream().flatMap(this::recordsOf);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    IntList rows;
    synchronized (lock) {
      Map<String, IntList> bySteps = rowsBySourceStep.get(sourceId);
      rows = bySteps == null ? null : bySteps.get(step);
    }
    return rows == null ? Stream.empty() : recordsOf(rows);
  }

  /**
   * The stream reads the rows there when it was made (lists are appended to in place, and
   * retention filters into a new array), skipping those deleted since.
   */
  private Stream<DeliveryRecord> recordsOf(IntList rows) {
    int[] values;
    int size;
    synchronized (lock) {
      values = rows.values;
      size = rows.size;
    }
    return IntStream.range(0, size).mapToObj(i -> {
      synchronized (lock) {
        return rowDeleted(values[i]) ? null : decode(values[i]);
      }
    }).filter(Objects::nonNull);
  }

  @Override
  public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
    Checks.required(since, "since");
    List<DeliveryRecord> result = new ArrayList<>();
    synchronized (lock) {
      for (int row = newestRowOf(playerId); row != NONE;
          row = chunk(row).nextOfPlayer[row & MASK]) {
        if (!instant(row, 0, chunk(row).createdAt[row & MASK]).isBefore(since)) {
          result.add(decode(row));
        }
      }
    }
    result.sort(Comparator.comparing(DeliveryRecord::createdAt));
    return result;
  }

  @Override
  public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
    Checks.required(since, "since");
    synchronized (lock) {
      int best = NONE;
      Instant bestAt = null;
      for (int row = newestRowOf(playerId); row != NONE;
          row = chunk(row).nextOfPlayer[row & MASK]) {
        Engagement engagement = chunk(row).engagement(row & MASK);
        Instant clicked = engagement == null ? null : engagement.clickedAt;
        if (clicked != null && !clicked.isBefore(since)
            && (bestAt == null || clicked.isAfter(bestAt))) {
          best = row;
          bestAt = clicked;
        }
      }
      return best == NONE ? Optional.empty() : Optional.of(decode(best));
    }
  }

  @Override
  public void append(DeliveryEvent event) {
    Checks.required(event, "event");
    synchronized (lock) {
      appendLocked(event);
    }
  }

  @Override
  public void appendAll(List<DeliveryEvent> batch) {
    Checks.required(batch, "events");
    synchronized (lock) {
      for (DeliveryEvent event : batch) {
        appendLocked(Checks.required(event, "event"));
      }
    }
  }

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    IntList found = new IntList();
    synchronized (lock) {
      for (int row = newestRowOf(playerId); row != NONE;
          row = chunk(row).nextOfPlayer[row & MASK]) {
        addEventsOf(row, found);
      }
      found.addAll(looseEventsByPlayer.get(playerId));
    }
    return eventsInOrder(found);
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    IntList found = new IntList();
    synchronized (lock) {
      Map<String, IntList> bySteps = rowsBySourceStep.get(sourceId);
      if (bySteps != null) {
        for (IntList rows : bySteps.values()) {
          for (int i = 0; i < rows.size; i++) {
            addEventsOf(rows.get(i), found);
          }
        }
      }
      found.addAll(looseEventsBySource.get(sourceId));
    }
    return eventsInOrder(found);
  }

  private void addEventsOf(int row, IntList found) {
    for (int e = chunk(row).newestEvent[row & MASK] - 1; e != NONE;
        e = event(e).previousOfRow[e & MASK] - 1) {
      found.add(e);
    }
  }

  /**
   * Oldest first, and in append order at equal times: event rows are numbered in append order, so
   * sorted by number and then stably by time. Called with the lock held; the stream decodes
   * lazily and skips events deleted since.
   */
  private Stream<DeliveryEvent> eventsInOrder(IntList found) {
    int[] sorted = Arrays.copyOf(found.values, found.size);
    Arrays.sort(sorted);
    long[] at = new long[sorted.length];
    boolean inOrder = true;
    for (int k = 0; k < sorted.length; k++) {
      at[k] = sortableNanos(eventAt(sorted[k]));
      inOrder &= k == 0 || at[k] >= at[k - 1];
    }
    if (!inOrder) {
      Integer[] order = new Integer[sorted.length];
      Arrays.setAll(order, k -> k);
      Arrays.sort(order, Comparator.comparingLong(k -> at[k])); // stable: ties keep append order
      int[] byTime = new int[sorted.length];
      Arrays.setAll(byTime, k -> sorted[order[k]]);
      System.arraycopy(byTime, 0, sorted, 0, sorted.length);
    }
    return Arrays.stream(sorted).mapToObj(e -> {
      synchronized (lock) {
        return eventDeleted(e) ? null : decodeEvent(e);
      }
    }).filter(Objects::nonNull);
  }

  /** Epoch nanoseconds, saturated for instants outside 1677..2262 (they sort at either end). */
  private static long sortableNanos(Instant at) {
    try {
      return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    } catch (ArithmeticException outOfRange) {
      return at.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public void saveProgress(DispatchProgress value) {
    Checks.required(value, "progress");
    progress.put(DeliveryRecord.key(value.sourceId(), value.step(), "", ""), value);
  }

  @Override
  public Optional<DispatchProgress> progress(String sourceId, String step) {
    return Optional.ofNullable(progress.get(DeliveryRecord.key(sourceId, step, "", "")));
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    synchronized (lock) {
      int erased = 0;
      int newest = newestRowOf(playerId);
      if (newest != NONE) {
        remove(byPlayer, mix(playerId.hashCode()), newest, this::playerHashOfRow);
        playerCount--;
      }
      for (int row = newest; row != NONE; ) {
        RecordChunk c = chunk(row);
        int i = row & MASK;
        int older = c.nextOfPlayer[i];
        remove(byKey, keyHashOfRow(row), row, this::keyHashOfRow);
        c.player[i] = ERASED_PLAYER_PREFIX + deliveryId(row);
        c.device[i] = "";
        c.messageId[i] = 0;
        Outcome outcome = outcomeOf(c, i);
        setOutcome(c, i, outcome == null || outcome.reason.isEmpty() ? null
            : new Outcome(outcome.reason, ""));
        c.flags[i] |= ERASED;
        c.nextOfPlayer[i] = NONE;
        insert(byKey, keyHashOfRow(row), row);
        for (int e = c.newestEvent[i] - 1; e != NONE; e = event(e).previousOfRow[e & MASK] - 1) {
          EventChunk ec = event(e);
          EventExtra extra = (EventExtra) extraOf(ec, e & MASK);
          if (extra != null && !extra.detail.isEmpty()) {
            setExtra(ec, e & MASK, extra.value != null
                ? new EventExtra(extra.reason, "", extra.httpStatus, extra.value)
                : new EventExtra(extra.reason, "", extra.httpStatus, null));
          }
        }
        erased++;
        row = older;
      }
      IntList loose = looseEventsByPlayer.remove(playerId);
      for (int k = 0; loose != null && k < loose.size; k++) {
        int e = loose.get(k);
        if (!eventDeleted(e)) {
          DeliveryEvent whole = (DeliveryEvent) extraOf(event(e), e & MASK);
          setExtra(event(e), e & MASK, new DeliveryEvent(whole.type(), whole.at(),
              whole.sourceId(), whole.step(), whole.deliveryId(), Optional.empty(),
              Optional.empty(), whole.platform(), whole.variant(), whole.reason(), "",
              whole.httpStatus(), whole.value()));
        }
      }
      return erased;
    }
  }

  @Override
  public int deleteBefore(Instant cutoff, int maxRows) {
    Checks.required(cutoff, "cutoff");
    if (maxRows < 1) {
      throw new dev.herald.InvalidInputException("maxRows", "must be at least 1, got " + maxRows);
    }
    synchronized (lock) {
      java.util.Set<IntList> touched = java.util.Collections.newSetFromMap(
          new java.util.IdentityHashMap<>());
      int events = 0;
      for (int e = firstLiveEvent; e < eventCount && events < maxRows; e++) {
        if (!eventDeleted(e) && eventAt(e).isBefore(cutoff)) {
          deleteEvent(e, touched);
          events++;
        }
      }
      while (firstLiveEvent < eventCount && eventDeleted(firstLiveEvent)) {
        firstLiveEvent++;
      }
      int rows = 0;
      for (int row = firstLiveRow; row < recordCount && rows < maxRows; row++) {
        if (!rowDeleted(row)
            && instant(row, 0, chunk(row).createdAt[row & MASK]).isBefore(cutoff)) {
          deleteRow(row, touched);
          rows++;
        }
      }
      while (firstLiveRow < recordCount && rowDeleted(firstLiveRow)) {
        firstLiveRow++;
      }
      for (IntList list : touched) {
        list.retain(value -> list.isRows ? !rowDeleted(value) : !eventDeleted(value));
      }
      dropEmpty(looseEventsBySource);
      dropEmpty(looseEventsByPlayer);
      rowsBySourceStep.values().forEach(InMemoryDeliveryStore::dropEmpty);
      rowsBySourceStep.values().removeIf(Map::isEmpty);
      return events + rows;
    }
  }

  private static void dropEmpty(Map<String, IntList> lists) {
    lists.values().removeIf(list -> list.size == 0);
  }

  /** Takes the row out of every index, keeps its events whole and loose, and frees its fields. */
  private void deleteRow(int row, java.util.Set<IntList> touched) {
    RecordChunk c = chunk(row);
    int i = row & MASK;
    detachEvents(row);
    remove(byKey, keyHashOfRow(row), row, this::keyHashOfRow);
    keyCount--;
    remove(byId, idHashOfRow(row), row, this::idHashOfRow);
    idCount--;
    if ((c.flags[i] & ERASED) == 0) {
      unlinkFromPlayer(row);
    }
    Shape s = shapes.get(c.shape[i]);
    touched.add(rowsBySourceStep.get(s.sourceId).get(s.step));
    for (int field = 0; field < 4; field++) {
      overflow.remove(overflowKey(row, field));
    }
    c.flags[i] |= DELETED;
    c.player[i] = null;
    c.device[i] = null;
    setOutcome(c, i, null);
    c.messageId[i] = 0;
    c.setEngagement(i, null);
    if (--c.live == 0 && row >>> CHUNK_BITS < recordCount >>> CHUNK_BITS) {
      records.set(row >>> CHUNK_BITS, null); // full and all deleted: nothing leads here any more
    }
  }

  private void unlinkFromPlayer(int row) {
    RecordChunk c = chunk(row);
    String player = c.player[row & MASK];
    int older = c.nextOfPlayer[row & MASK];
    int hash = mix(player.hashCode());
    for (int slot = slot(hash, byPlayer); byPlayer[slot] != 0; slot = next(slot, byPlayer)) {
      if (byPlayer[slot] - 1 == row) {
        if (older != NONE) {
          byPlayer[slot] = older + 1;
        } else {
          remove(byPlayer, hash, row, this::playerHashOfRow);
          playerCount--;
        }
        return;
      }
    }
    for (int newer = newestRowOf(player); newer != NONE;
        newer = chunk(newer).nextOfPlayer[newer & MASK]) {
      if (chunk(newer).nextOfPlayer[newer & MASK] == row) {
        chunk(newer).nextOfPlayer[newer & MASK] = older;
        return;
      }
    }
  }

  private void deleteEvent(int e, java.util.Set<IntList> touched) {
    EventChunk c = event(e);
    int i = e & MASK;
    int row = c.row[i];
    if (row == NONE) {
      DeliveryEvent whole = (DeliveryEvent) extraOf(c, i);
      touched.add(looseEventsBySource.get(whole.sourceId()));
      whole.playerId().map(looseEventsByPlayer::get).ifPresent(touched::add);
    } else {
      RecordChunk r = chunk(row);
      int previous = c.previousOfRow[i];
      if (r.newestEvent[row & MASK] == e + 1) {
        r.newestEvent[row & MASK] = previous;
      } else {
        for (int newer = r.newestEvent[row & MASK] - 1; newer != NONE;
            newer = event(newer).previousOfRow[newer & MASK] - 1) {
          if (event(newer).previousOfRow[newer & MASK] == e + 1) {
            event(newer).previousOfRow[newer & MASK] = previous;
            break;
          }
        }
      }
    }
    c.row[i] = DELETED_EVENT;
    setExtra(c, i, null);
    c.previousOfRow[i] = 0;
    if (--c.live == 0 && e >>> CHUNK_BITS < eventCount >>> CHUNK_BITS) {
      events.set(e >>> CHUNK_BITS, null);
    }
  }

  private boolean rowDeleted(int row) {
    RecordChunk c = records.get(row >>> CHUNK_BITS);
    return c == null || (c.flags[row & MASK] & DELETED) != 0;
  }

  private boolean eventDeleted(int e) {
    EventChunk c = events.get(e >>> CHUNK_BITS);
    return c == null || c.row[e & MASK] == DELETED_EVENT;
  }

  private Instant eventAt(int e) {
    EventChunk c = event(e);
    int row = c.row[e & MASK];
    return row == NONE ? ((DeliveryEvent) extraOf(c, e & MASK)).at()
        : afterCreation(row, c.at[e & MASK]);
  }

  // ------------------------------------------------------------------------------ records

  private boolean claimLocked(DeliveryRecord record) {
    String device = record.deviceId().orElse("");
    if (rowOf(record.sourceId(), record.step(), record.playerId(), device) != NONE) {
      return false;
    }
    int row = recordCount++;
    if ((row & MASK) == 0) {
      records.add(new RecordChunk());
    }
    RecordChunk c = chunk(row);
    int i = row & MASK;
    c.live++;
    c.player[i] = record.playerId();
    c.device[i] = device;
    c.nextOfPlayer[i] = pushPlayerRow(record.playerId(), row);
    write(row, record);

    if (full(++keyCount, byKey)) {
      byKey = rehash(byKey, this::keyHashOfRow);
    }
    insert(byKey, keyHash(record.sourceId(), record.step(), record.playerId(), device), row);
    rowsBySourceStep.computeIfAbsent(record.sourceId(), s -> new LinkedHashMap<>())
        .computeIfAbsent(record.step(), s -> new IntList(true)).add(row);
    return true;
  }

  private DeliveryRecord modifyLocked(String key, UnaryOperator<DeliveryRecord> change) {
    int row = key == null ? NONE : rowOfKey(key);
    if (row == NONE) {
      return null;
    }
    DeliveryRecord changed = Checks.required(change.apply(decode(row)), "change result");
    if (!changed.key().equals(key)) {
      throw new IllegalArgumentException(
          "change: must keep the key " + key + ", gave " + changed.key());
    }
    write(row, changed);
    return changed;
  }

  /** Writes every field but the key (source, step, player, device), which {@code row} has. */
  private void write(int row, DeliveryRecord r) {
    RecordChunk c = chunk(row);
    int i = row & MASK;
    if (c.newestEvent[i] != 0 && !repeatsEventFields(row, r)) {
      detachEvents(row);
    }
    c.shape[i] = shapeOf(r);
    c.state[i] = (byte) r.state().ordinal();
    c.platform[i] = (byte) (r.platform().isEmpty() ? 0 : r.platform().get().ordinal() + 1);
    setOutcome(c, i, r.reason().isEmpty() && r.detail().isEmpty() ? null
        : new Outcome(r.reason(), r.detail()));
    c.createdAt[i] = nanos(row, 0, r.createdAt());
    long updated = microsAfterCreation(row, r.updatedAt());
    if (updated == NO_DELTA) {
      c.updatedAt[i] = UPDATED_ELSEWHERE;
      overflow.put(overflowKey(row, 1), r.updatedAt());
    } else {
      c.updatedAt[i] = (int) updated;
      overflow.remove(overflowKey(row, 1));
    }
    String messageId = r.messageId().orElse(null);
    if (messageId == null) {
      c.messageId[i] = 0;
    } else if (!messageId.equals(MessageIds.read(c, c.messageId[i]))) {
      c.messageId[i] = MessageIds.append(c, c.platform[i], messageId);
    }
    c.setEngagement(i, r.clickedAt().isEmpty() && r.conversions() == 0
        && r.conversionValue() == BigDecimal.ZERO ? null
        : new Engagement(r.clickedAt().orElse(null), r.conversions(), r.conversionValue()));
    if (r.attempts() >= 0 && r.attempts() <= 0xFFFF && r.httpStatus() >= 0
        && r.httpStatus() <= 0xFFFF) {
      c.attemptsAndStatus[i] = r.attempts() << 16 | r.httpStatus();
      overflow.remove(overflowKey(row, 2));
    } else {
      c.attemptsAndStatus[i] = NONE;
      overflow.put(overflowKey(row, 2), new int[] {r.attempts(), r.httpStatus()});
    }
    writeId(row, r.deliveryId());
  }

  private void writeId(int row, String id) {
    RecordChunk c = chunk(row);
    int i = row & MASK;
    long[] bits = canonicalId(id);
    if (idKind(c, i) == ID_BITS && bits != null && c.idHigh[i] == bits[0] && c.idLow[i] == bits[1]
        || idKind(c, i) == ID_RAW && id.equals(overflow.get(overflowKey(row, 3)))) {
      return;
    }
    if (idKind(c, i) != 0) {
      // A changed id (never done by Herald): its old entry goes, so no index leads to a stale id.
      remove(byId, idHashOfRow(row), row, this::idHashOfRow);
      idCount--;
    }
    if (bits != null) {
      c.idHigh[i] = bits[0];
      c.idLow[i] = bits[1];
      c.flags[i] = (byte) (c.flags[i] & ~ID_KIND | ID_BITS);
      overflow.remove(overflowKey(row, 3));
    } else {
      c.flags[i] = (byte) (c.flags[i] & ~ID_KIND | ID_RAW);
      overflow.put(overflowKey(row, 3), id);
    }
    if (full(++idCount, byId)) {
      byId = rehash(byId, this::idHashOfRow);
    }
    insert(byId, idHash(id), row);
  }

  /** Whether {@code r} has the fields the row's events take from it (Herald never changes them). */
  private boolean repeatsEventFields(int row, DeliveryRecord r) {
    RecordChunk c = chunk(row);
    int i = row & MASK;
    return shapes.get(c.shape[i]).variant.equals(r.variant())
        && c.platform[i] == (r.platform().isEmpty() ? 0 : r.platform().get().ordinal() + 1)
        && instant(row, 0, c.createdAt[i]).equals(r.createdAt())
        && deliveryId(row).equals(r.deliveryId());
  }

  /**
   * Stores the row's events whole and lists them as loose, so a change or deletion of the row does
   * not change them.
   */
  private void detachEvents(int row) {
    RecordChunk r = chunk(row);
    for (int e = r.newestEvent[row & MASK] - 1; e != NONE; ) {
      EventChunk c = event(e);
      int previous = c.previousOfRow[e & MASK] - 1;
      DeliveryEvent whole = decodeEvent(e);
      setExtra(c, e & MASK, whole);
      c.row[e & MASK] = NONE;
      c.previousOfRow[e & MASK] = 0;
      addLoose(e, whole);
      e = previous;
    }
    r.newestEvent[row & MASK] = 0;
  }

  private DeliveryRecord decode(int row) {
    RecordChunk c = chunk(row);
    int i = row & MASK;
    Shape s = shapes.get(c.shape[i]);
    Outcome outcome = outcomeOf(c, i);
    Engagement engagement = c.engagement(i);
    int attempts;
    int status;
    if (c.attemptsAndStatus[i] == NONE) {
      int[] both = (int[]) overflow.get(overflowKey(row, 2));
      attempts = both[0];
      status = both[1];
    } else {
      attempts = c.attemptsAndStatus[i] >>> 16;
      status = c.attemptsAndStatus[i] & 0xFFFF;
    }
    String device = c.device[i];
    int platform = c.platform[i];
    return new DeliveryRecord(s.sourceId, s.step, c.player[i],
        device.isEmpty() ? Optional.empty() : Optional.of(device),
        platform == 0 ? Optional.empty() : Optional.of(PLATFORMS[platform - 1]),
        Optional.ofNullable(s.brand), deliveryId(row), s.variant, s.type, s.category,
        STATES[c.state[i]],
        outcome == null ? "" : outcome.reason, outcome == null ? "" : outcome.detail,
        instant(row, 0, c.createdAt[i]), c.updatedAt[i] == UPDATED_ELSEWHERE
            ? (Instant) overflow.get(overflowKey(row, 1)) : afterCreation(row, c.updatedAt[i]), attempts, status,
        Optional.ofNullable(MessageIds.read(c, c.messageId[i])),
        Optional.ofNullable(engagement == null ? null : engagement.clickedAt),
        engagement == null ? 0 : engagement.conversions,
        engagement == null ? BigDecimal.ZERO : engagement.value);
  }

  private String deliveryId(int row) {
    RecordChunk c = chunk(row);
    if (idKind(c, row & MASK) == ID_RAW) {
      return (String) overflow.get(overflowKey(row, 3));
    }
    byte[] bytes = ByteBuffer.allocate(16).putLong(c.idHigh[row & MASK])
        .putLong(c.idLow[row & MASK]).array();
    return "d" + ID_ENCODER.encodeToString(bytes);
  }

  /** The 128 bits of an id as {@link DeliveryRecord#newDeliveryId()} makes them, else null. */
  private static long[] canonicalId(String id) {
    if (id.length() != 23 || id.charAt(0) != 'd') {
      return null;
    }
    byte[] bytes;
    try {
      bytes = ID_DECODER.decode(id.substring(1));
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
    if (bytes.length != 16 || !id.substring(1).equals(ID_ENCODER.encodeToString(bytes))) {
      return null;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    return new long[] {buffer.getLong(), buffer.getLong()};
  }

  private int shapeOf(DeliveryRecord r) {
    Shape shape = new Shape(r.sourceId(), r.step(), r.variant(), r.type(), r.category(),
        r.brand().orElse(null));
    Integer id = shapeIds.get(shape);
    if (id == null) {
      id = shapes.size();
      shapes.add(shape);
      shapeIds.put(shape, id);
    }
    return id;
  }

  /** Epoch nanoseconds (1677 to 2262); anything else goes to the overflow map. */
  private long nanos(int row, int field, Instant at) {
    long key = overflowKey(row, field);
    try {
      long nanos = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L),
          at.getNano());
      if (nanos != NANOS_OUT_OF_RANGE) {
        overflow.remove(key);
        return nanos;
      }
    } catch (ArithmeticException outOfRange) {
      // falls through
    }
    overflow.put(key, at);
    return NANOS_OUT_OF_RANGE;
  }

  private Instant instant(int row, int field, long nanos) {
    return nanos == NANOS_OUT_OF_RANGE ? (Instant) overflow.get(overflowKey(row, field))
        : Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
            Math.floorMod(nanos, 1_000_000_000L));
  }

  private static long overflowKey(int row, int field) {
    return (long) row << 2 | field;
  }

  private RecordChunk chunk(int row) {
    return records.get(row >>> CHUNK_BITS);
  }

  // ------------------------------------------------------------------------------ indexes

  private int rowOfKey(String key) {
    String[] parts = splitKey(key);
    return parts == null ? NONE : rowOf(parts[0], parts[1], parts[2], parts[3]);
  }

  private int rowOf(String source, String step, String player, String device) {
    int hash = keyHash(source, step, player, device);
    for (int slot = slot(hash, byKey); byKey[slot] != 0; slot = next(slot, byKey)) {
      int row = byKey[slot] - 1;
      RecordChunk c = chunk(row);
      Shape s = shapes.get(c.shape[row & MASK]);
      if (c.device[row & MASK].equals(device) && c.player[row & MASK].equals(player)
          && s.sourceId.equals(source) && s.step.equals(step)) {
        return row;
      }
    }
    return NONE;
  }

  private int rowOfId(String id) {
    long[] bits = canonicalId(id);
    for (int slot = slot(idHash(id), byId); byId[slot] != 0; slot = next(slot, byId)) {
      int row = byId[slot] - 1;
      RecordChunk c = chunk(row);
      boolean same = bits != null && idKind(c, row & MASK) == ID_BITS
          ? c.idHigh[row & MASK] == bits[0] && c.idLow[row & MASK] == bits[1]
          : id.equals(deliveryId(row));
      if (same) {
        return row;
      }
    }
    return NONE;
  }

  /** The parts of a {@link DeliveryRecord#key}, unescaped, or null when it is not one. */
  private static String[] splitKey(String key) {
    String[] parts = new String[4];
    StringBuilder part = new StringBuilder();
    int n = 0;
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      if (ch == '\\' && i + 1 < key.length()) {
        part.append(key.charAt(++i));
      } else if (ch == '|') {
        if (n == 3) {
          return null;
        }
        parts[n++] = part.toString();
        part.setLength(0);
      } else {
        part.append(ch);
      }
    }
    if (n != 3) {
      return null;
    }
    parts[3] = part.toString();
    return parts;
  }

  private static int keyHash(String source, String step, String player, String device) {
    return mix(((source.hashCode() * 31 + step.hashCode()) * 31 + player.hashCode()) * 31
        + device.hashCode());
  }

  private int keyHashOfRow(int row) {
    RecordChunk c = chunk(row);
    Shape s = shapes.get(c.shape[row & MASK]);
    return keyHash(s.sourceId, s.step, c.player[row & MASK], c.device[row & MASK]);
  }

  private static int idHash(String id) {
    long[] bits = canonicalId(id);
    return bits == null ? mix(id.hashCode()) : mix(Long.hashCode(bits[0] ^ bits[1]));
  }

  private int idHashOfRow(int row) {
    return idKind(chunk(row), row & MASK) == ID_RAW
        ? mix(overflow.get(overflowKey(row, 3)).hashCode())
        : mix(Long.hashCode(chunk(row).idHigh[row & MASK] ^ chunk(row).idLow[row & MASK]));
  }

  private static int mix(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private static void insert(int[] table, int hash, int value) {
    int slot = slot(hash, table);
    while (table[slot] != 0) {
      slot = next(slot, table);
    }
    table[slot] = value + 1;
  }

  /**
   * Removes the row's entry, found from its hash, and moves back the entries after it that
   * probing would no longer reach (deletion for linear probing, no tombstones).
   */
  private static void remove(int[] table, int hash, int row, RowHash rowHash) {
    int hole = slot(hash, table);
    while (table[hole] != row + 1) {
      if (table[hole] == 0) {
        return;
      }
      hole = next(hole, table);
    }
    table[hole] = 0;
    for (int j = next(hole, table); table[j] != 0; j = next(j, table)) {
      int home = slot(rowHash.of(table[j] - 1), table);
      boolean reachable = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!reachable) {
        table[hole] = table[j];
        table[j] = 0;
        hole = j;
      }
    }
  }

  private int playerHashOfRow(int row) {
    return mix(chunk(row).player[row & MASK].hashCode());
  }

  private interface RowHash {
    int of(int row);
  }

  private static int[] rehash(int[] table, RowHash hash) {
    int[] bigger = new int[(int) Math.min(Integer.MAX_VALUE - 8, table.length + (long) table.length / 2)];
    for (int entry : table) {
      if (entry != 0) {
        insert(bigger, hash.of(entry - 1), entry - 1);
      }
    }
    return bigger;
  }

  // ------------------------------------------------------------------------------ players

  /** The player's newest row, or NONE. */
  private int newestRowOf(String playerId) {
    if (playerId == null) {
      return NONE;
    }
    for (int slot = slot(mix(playerId.hashCode()), byPlayer); byPlayer[slot] != 0;
        slot = next(slot, byPlayer)) {
      int row = byPlayer[slot] - 1;
      if (chunk(row).player[row & MASK].equals(playerId)) {
        return row;
      }
    }
    return NONE;
  }

  /** Makes {@code row} the player's newest; returns the previous newest, or NONE. */
  private int pushPlayerRow(String playerId, int row) {
    int hash = mix(playerId.hashCode());
    for (int slot = slot(hash, byPlayer); byPlayer[slot] != 0; slot = next(slot, byPlayer)) {
      int newest = byPlayer[slot] - 1;
      if (chunk(newest).player[newest & MASK].equals(playerId)) {
        byPlayer[slot] = row + 1;
        return newest;
      }
    }
    if (full(++playerCount, byPlayer)) {
      byPlayer = rehash(byPlayer, this::playerHashOfRow);
    }
    insert(byPlayer, hash, row);
    return NONE;
  }

  // ------------------------------------------------------------------------------ events

  private void appendLocked(DeliveryEvent e) {
    int event = eventCount++;
    if ((event & MASK) == 0) {
      events.add(new EventChunk());
    }
    EventChunk c = event(event);
    int i = event & MASK;
    c.live++;
    int row = rowOfDelivery(e);
    long at = row == NONE ? NO_DELTA : microsAfterCreation(row, e.at());
    if (at == NO_DELTA) {
      // A source-level event, or one that does not match its delivery: kept whole.
      c.row[i] = NONE;
      setExtra(c, i, e);
    } else {
      c.row[i] = row;
      c.type[i] = (byte) e.type().ordinal();
      c.at[i] = (int) at;
      setExtra(c, i, e.reason().isEmpty() && e.detail().isEmpty() && e.httpStatus() == 0
          && e.value().isEmpty() ? null
          : e.value().isPresent() ? new EventExtra(e.reason(), e.detail(), e.httpStatus(),
              e.value().get())
          : new EventExtra(e.reason(), e.detail(), e.httpStatus(), null));
    }
    if (c.row[i] == NONE) {
      addLoose(event, e);
    } else {
      RecordChunk r = chunk(row);
      c.previousOfRow[i] = r.newestEvent[row & MASK];
      r.newestEvent[row & MASK] = event + 1;
    }
  }

  private void addLoose(int event, DeliveryEvent e) {
    looseEventsBySource.computeIfAbsent(e.sourceId(), s -> new IntList()).add(event);
    e.playerId().ifPresent(
        player -> looseEventsByPlayer.computeIfAbsent(player, p -> new IntList()).add(event));
  }

  /** The row of the event's delivery when the event repeats that delivery's fields, else NONE. */
  private int rowOfDelivery(DeliveryEvent e) {
    if (e.deliveryId().isEmpty() || e.playerId().isEmpty() || e.variant().isEmpty()) {
      return NONE;
    }
    int row = rowOfId(e.deliveryId().get());
    if (row == NONE) {
      return NONE;
    }
    RecordChunk c = chunk(row);
    int i = row & MASK;
    Shape s = shapes.get(c.shape[i]);
    int platform = c.platform[i];
    boolean same = s.sourceId.equals(e.sourceId()) && s.step.equals(e.step())
        && s.variant.equals(e.variant().get()) && c.player[i].equals(e.playerId().get())
        && c.device[i].equals(e.deviceId().orElse(""))
        && (platform == 0 ? e.platform().isEmpty()
            : e.platform().equals(Optional.of(PLATFORMS[platform - 1])))
        && e.deviceId().isPresent() == !c.device[i].isEmpty();
    return same ? row : NONE;
  }

  /**
   * Whole microseconds from the row's creation to {@code at} when they fit an int (about 35
   * minutes either way), else NO_DELTA: times a dispatch writes are that close and that precise.
   */
  private long microsAfterCreation(int row, Instant at) {
    long created = chunk(row).createdAt[row & MASK];
    if (created == NANOS_OUT_OF_RANGE) {
      return NO_DELTA;
    }
    try {
      long nanos = Math.subtractExact(Math.addExact(
          Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano()), created);
      return nanos % 1000 == 0 && nanos / 1000 > Integer.MIN_VALUE
          && nanos / 1000 <= Integer.MAX_VALUE ? nanos / 1000 : NO_DELTA;
    } catch (ArithmeticException outOfRange) {
      return NO_DELTA;
    }
  }

  private Instant afterCreation(int row, int micros) {
    long nanos = chunk(row).createdAt[row & MASK] + micros * 1000L;
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
        Math.floorMod(nanos, 1_000_000_000L));
  }

  private DeliveryEvent decodeEvent(int event) {
    EventChunk c = event(event);
    int i = event & MASK;
    int row = c.row[i];
    if (row == NONE) {
      return (DeliveryEvent) extraOf(c, i);
    }
    EventExtra extra = (EventExtra) extraOf(c, i);
    RecordChunk r = chunk(row);
    Shape s = shapes.get(r.shape[row & MASK]);
    String device = r.device[row & MASK];
    int platform = r.platform[row & MASK];
    boolean erased = (r.flags[row & MASK] & ERASED) != 0;
    return new DeliveryEvent(EVENT_TYPES[c.type[i]], afterCreation(row, c.at[i]), s.sourceId,
        s.step, Optional.of(deliveryId(row)),
        erased ? Optional.empty() : Optional.of(r.player[row & MASK]),
        device.isEmpty() ? Optional.empty() : Optional.of(device),
        platform == 0 ? Optional.empty() : Optional.of(PLATFORMS[platform - 1]),
        Optional.of(s.variant), extra == null ? "" : extra.reason,
        extra == null ? "" : extra.detail, extra == null ? 0 : extra.httpStatus,
        Optional.ofNullable(extra == null ? null : extra.value));
  }

  /** An event's {@link EventExtra} or whole {@link DeliveryEvent}, or null. */
  private Object extraOf(EventChunk c, int i) {
    char id = c.extra[i];
    return id == 0 ? null : id == WHOLE ? c.whole.get(i) : extras.get(id);
  }

  /** Keeps an extra without a value as its number (2 bytes), anything else in the chunk's map. */
  private void setExtra(EventChunk c, int i, Object value) {
    if (c.extra[i] == WHOLE) {
      c.whole.remove(i);
    }
    if (value == null) {
      c.extra[i] = 0;
      return;
    }
    if (value instanceof EventExtra x && x.value == null) {
      c.extra[i] = extras.idOf(x);
      if (c.extra[i] != WHOLE) {
        return;
      }
    }
    if (c.whole == null) {
      c.whole = new HashMap<>();
    }
    c.whole.put(i, value);
    c.extra[i] = WHOLE;
  }

  private Outcome outcomeOf(RecordChunk c, int i) {
    char id = c.outcome[i];
    return id == 0 ? null : id == WHOLE ? c.outcomes.get(i) : outcomes.get(id);
  }

  private void setOutcome(RecordChunk c, int i, Outcome value) {
    if (c.outcome[i] == WHOLE) {
      c.outcomes.remove(i);
    }
    c.outcome[i] = value == null ? 0 : outcomes.idOf(value);
    if (c.outcome[i] == WHOLE) {
      if (c.outcomes == null) {
        c.outcomes = new HashMap<>();
      }
      c.outcomes.put(i, value);
    }
  }

  /**
   * Values numbered from 1 for a {@code char} column (2 bytes a row, where a reference takes 4):
   * at most {@code WHOLE - 1} of them, so that unique texts cannot grow it without bound; past
   * that, {@link #idOf} answers {@link #WHOLE} and the caller keeps the value itself.
   */
  private static final class Numbered<T> {
    private final List<T> values = new ArrayList<>();
    private final Map<T, Integer> ids = new HashMap<>();

    char idOf(T value) {
      Integer id = ids.get(value);
      if (id == null) {
        if (values.size() >= WHOLE - 1) {
          return WHOLE;
        }
        values.add(value);
        id = values.size();
        ids.put(value, id);
      }
      return (char) (int) id;
    }

    T get(char id) {
      return values.get(id - 1);
    }
  }

  private static int idKind(RecordChunk c, int i) {
    return c.flags[i] & ID_KIND;
  }

  private EventChunk event(int event) {
    return events.get(event >>> CHUNK_BITS);
  }

  // ------------------------------------------------------------------------------ rows

  /** Columns of {@link #CHUNK} delivery rows. */
  private static final class RecordChunk {
    final int[] shape = new int[CHUNK];
    /** The player id: the caller's string, shared rather than copied. */
    final String[] player = new String[CHUNK];
    /** The device id, {@code ""} for none: the caller's string, shared rather than copied. */
    final String[] device = new String[CHUNK];
    final long[] idHigh = new long[CHUNK];
    final long[] idLow = new long[CHUNK];
    final byte[] state = new byte[CHUNK];
    /** {@link Platform#ordinal()} + 1, 0 for none. */
    final byte[] platform = new byte[CHUNK];
    /**
     * The {@link Outcome}: 0 when reason and detail are empty, its number in the store's
     * outcomes, or {@link #WHOLE} when {@link #outcomes} holds it.
     */
    final char[] outcome = new char[CHUNK];
    /** The outcomes not numbered (once the store has numbered all it may), by index. */
    Map<Integer, Outcome> outcomes;
    final long[] createdAt = new long[CHUNK];
    /** Microseconds after createdAt; UPDATED_ELSEWHERE when in the overflow map. */
    final int[] updatedAt = new int[CHUNK];
    /** attempts in the high 16 bits, HTTP status in the low 16; NONE when in the overflow map. */
    final int[] attemptsAndStatus = new int[CHUNK];
    /** The provider's message id: its entry's offset in {@link #messageIds} + 1, 0 for none. */
    final int[] messageId = new int[CHUNK];
    /** The chunk's message ids, one {@link MessageIds} entry after the other; never moved. */
    byte[] messageIds = new byte[0];
    int messageIdsSize;
    /**
     * Per platform (+ 1, 0 for none), the first message id of the chunk: a later one keeps only
     * what follows the prefix it shares with it, as ids of one provider share their start.
     */
    final String[] messageIdBase = new String[PLATFORMS.length + 1];
    /**
     * An {@link Engagement}, null before any click or conversion; the array itself is made at
     * the chunk's first click, so a campaign being sent does not pay for it.
     */
    private Engagement[] engagement;
    /** The player's next older delivery row, or NONE. */
    final int[] nextOfPlayer = new int[CHUNK];
    /** The delivery's newest event + 1, 0 for none. */
    final int[] newestEvent = new int[CHUNK];
    /**
     * {@link #ERASED}, {@link #DELETED}, and the id's kind ({@link #ID_KIND}): 0 before the first
     * write, ID_BITS when in idHigh/idLow, ID_RAW when in the overflow map.
     */
    final byte[] flags = new byte[CHUNK];
    /** How many of the chunk's rows are claimed and not deleted. */
    int live;

    Engagement engagement(int i) {
      return engagement == null ? null : engagement[i];
    }

    void setEngagement(int i, Engagement value) {
      if (engagement == null && value != null) {
        engagement = new Engagement[CHUNK];
      }
      if (engagement != null) {
        engagement[i] = value;
      }
    }
  }

  /**
   * Message ids packed into a chunk's byte array rather than a String each (a String costs 40
   * bytes and more before its text). An entry starts with a byte of kind (low 2 bits), base
   * (the platform slot, next 2 bits) and, for a UUID, its case (bit 4). A UUID (as APNs's
   * apns-id), all lower or all upper case, is its 16 bytes. Other text is the length of the prefix
   * it shares with the base (a byte), the length of the rest (a varint) and the rest: in ASCII
   * with each run of 4 to 127 digits and lower-case hex letters (the numbers and hashes in FCM's
   * and Web Push's ids) as a byte {@code 0x80 | length} and two characters a byte; otherwise in
   * UTF-8. Text with surrogates is kept in UTF-16 without a prefix, so a lone surrogate survives.
   */
  private static final class MessageIds {
    private static final int TEXT = 0;
    private static final int UTF16 = 1;
    private static final int UUID = 2;
    private static final int PACKED = 3;
    /** Not a kind: what {@link #uuidKind} answers for an upper-case UUID. */
    private static final int UUID_UPPER = UUID | 1 << 4;
    private static final int MIN_RUN = 4;
    private static final int MAX_RUN = 127;
    private static final char[] LOWER_HEX = "0123456789abcdef".toCharArray();
    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    private MessageIds() {}

    /** Appends the id to the chunk's array; returns its offset + 1. */
    static int append(RecordChunk c, int platform, String id) {
      int offset = c.messageIdsSize;
      int uuid = uuidKind(id);
      if (uuid != TEXT) {
        byte[] out = room(c, 17);
        out[offset] = (byte) uuid;
        int at = offset + 1;
        int high = -1;
        for (int i = 0; i < id.length(); i++) {
          int digit = Character.digit(id.charAt(i), 16);
          if (digit < 0) {
            continue; // a dash
          }
          if (high < 0) {
            high = digit;
          } else {
            out[at++] = (byte) (high << 4 | digit);
            high = -1;
          }
        }
        c.messageIdsSize = at;
        return offset + 1;
      }
      boolean surrogates = false;
      for (int i = 0; i < id.length() && !surrogates; i++) {
        surrogates = Character.isSurrogate(id.charAt(i));
      }
      if (surrogates) {
        byte[] out = room(c, 1 + 5 + 2 * id.length());
        out[offset] = (byte) (UTF16 | platform << 2);
        int at = varint(out, offset + 1, id.length());
        for (int i = 0; i < id.length(); i++) {
          out[at++] = (byte) (id.charAt(i) >>> 8);
          out[at++] = (byte) id.charAt(i);
        }
        c.messageIdsSize = at;
        return offset + 1;
      }
      String base = c.messageIdBase[platform];
      if (base == null) {
        c.messageIdBase[platform] = base = id;
      }
      int prefix = 0;
      int most = Math.min(255, Math.min(base.length(), id.length()));
      while (prefix < most && base.charAt(prefix) == id.charAt(prefix)) {
        prefix++;
      }
      String tail = id.substring(prefix);
      boolean ascii = true;
      for (int i = 0; i < tail.length() && ascii; i++) {
        ascii = tail.charAt(i) < 0x80;
      }
      byte[] rest = ascii ? pack(tail) : tail.getBytes(StandardCharsets.UTF_8);
      byte[] out = room(c, 2 + 5 + rest.length);
      out[offset] = (byte) ((ascii ? PACKED : TEXT) | platform << 2);
      out[offset + 1] = (byte) prefix;
      int at = varint(out, offset + 2, rest.length);
      System.arraycopy(rest, 0, out, at, rest.length);
      c.messageIdsSize = at + rest.length;
      return offset + 1;
    }

    /** The id at an entry (offset + 1), or null for 0. */
    static String read(RecordChunk c, int entry) {
      if (entry == 0) {
        return null;
      }
      byte[] in = c.messageIds;
      int at = entry - 1;
      int head = in[at] & 0xFF;
      int kind = head & 3;
      if (kind == UUID) {
        char[] hex = (head & UUID_UPPER) == UUID_UPPER ? UPPER_HEX : LOWER_HEX;
        char[] text = new char[36];
        int t = 0;
        for (int b = 0; b < 16; b++) {
          if (b == 4 || b == 6 || b == 8 || b == 10) {
            text[t++] = '-';
          }
          int v = in[at + 1 + b] & 0xFF;
          text[t++] = hex[v >>> 4];
          text[t++] = hex[v & 15];
        }
        return new String(text);
      }
      if (kind == UTF16) {
        int length = readVarint(in, at + 1);
        int from = at + 1 + varintSize(length);
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
          text[i] = (char) ((in[from + 2 * i] & 0xFF) << 8 | in[from + 2 * i + 1] & 0xFF);
        }
        return new String(text);
      }
      String base = c.messageIdBase[head >>> 2];
      int prefix = in[at + 1] & 0xFF;
      int length = readVarint(in, at + 2);
      int from = at + 2 + varintSize(length);
      String rest = kind == PACKED ? unpack(in, from, length)
          : new String(in, from, length, StandardCharsets.UTF_8);
      return prefix == 0 ? rest : base.substring(0, prefix) + rest;
    }

    private static boolean hexDigit(char ch) {
      return ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f';
    }

    /** ASCII text with its runs of digits and lower-case hex letters two to a byte. */
    private static byte[] pack(String text) {
      byte[] out = new byte[text.length()];
      int n = 0;
      for (int i = 0; i < text.length(); ) {
        int run = 0;
        while (run < MAX_RUN && i + run < text.length() && hexDigit(text.charAt(i + run))) {
          run++;
        }
        if (run < MIN_RUN) {
          out[n++] = (byte) text.charAt(i++);
          continue;
        }
        out[n++] = (byte) (0x80 | run);
        for (int k = 0; k < run; k += 2) {
          int high = Character.digit(text.charAt(i + k), 16);
          int low = k + 1 < run ? Character.digit(text.charAt(i + k + 1), 16) : 0;
          out[n++] = (byte) (high << 4 | low);
        }
        i += run;
      }
      return Arrays.copyOf(out, n);
    }

    private static String unpack(byte[] in, int from, int length) {
      StringBuilder text = new StringBuilder(length * 2);
      for (int at = from; at < from + length; ) {
        int b = in[at++];
        if (b >= 0) {
          text.append((char) b);
          continue;
        }
        int run = b & 0x7F;
        for (int k = 0; k < run; k++) {
          int v = in[at + k / 2] & 0xFF;
          text.append(LOWER_HEX[k % 2 == 0 ? v >>> 4 : v & 15]);
        }
        at += (run + 1) / 2;
      }
      return text.toString();
    }

    /** UUID or UUID_UPPER for a UUID in one case (digits only: lower), else TEXT. */
    private static int uuidKind(String id) {
      if (id.length() != 36) {
        return TEXT;
      }
      boolean lower = false;
      boolean upper = false;
      for (int i = 0; i < 36; i++) {
        char ch = id.charAt(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
          if (ch != '-') {
            return TEXT;
          }
        } else if (ch >= 'a' && ch <= 'f') {
          lower = true;
        } else if (ch >= 'A' && ch <= 'F') {
          upper = true;
        } else if (ch < '0' || ch > '9') {
          return TEXT;
        }
      }
      return lower && upper ? TEXT : upper ? UUID_UPPER : UUID;
    }

    /** The chunk's array with room for {@code bytes} more, grown by half when needed. */
    private static byte[] room(RecordChunk c, int bytes) {
      if (c.messageIdsSize + bytes > c.messageIds.length) {
        c.messageIds = Arrays.copyOf(c.messageIds, Math.max(c.messageIdsSize + bytes,
            Math.max(256, c.messageIds.length + (c.messageIds.length >> 1))));
      }
      return c.messageIds;
    }

    private static int varint(byte[] out, int at, int value) {
      while ((value & ~0x7F) != 0) {
        out[at++] = (byte) (value & 0x7F | 0x80);
        value >>>= 7;
      }
      out[at++] = (byte) value;
      return at;
    }

    private static int readVarint(byte[] in, int at) {
      int value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = in[at++];
        value |= (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
    }

    private static int varintSize(int value) {
      int size = 1;
      while ((value & ~0x7F) != 0) {
        value >>>= 7;
        size++;
      }
      return size;
    }
  }

  /** Columns of {@link #CHUNK} event rows. */
  private static final class EventChunk {
    /** The delivery row the event repeats, or NONE when {@link #extra} holds the whole event. */
    final int[] row = new int[CHUNK];
    final byte[] type = new byte[CHUNK];
    /** Microseconds after the delivery's creation. */
    final int[] at = new int[CHUNK];
    /**
     * An {@link EventExtra} (none when all empty) or the whole {@link DeliveryEvent}: 0 for none,
     * the extra's number in the store's extras, or {@link #WHOLE} when {@link #whole} holds it.
     */
    final char[] extra = new char[CHUNK];
    /** The extras not numbered (with a value, or whole events), by index in the chunk. */
    Map<Integer, Object> whole;
    /** The same delivery's previous event + 1, 0 for none. */
    final int[] previousOfRow = new int[CHUNK];
    /** How many of the chunk's events are not deleted. */
    int live;
  }

  /**
   * The fields many deliveries share. The type compares by identity: custom types may share a
   * name. The brand is null for a record of no brand.
   */
  private static final class Shape {
    final String sourceId;
    final String step;
    final String variant;
    final NotificationType type;
    final String category;
    final Brand brand;

    Shape(String sourceId, String step, String variant, NotificationType type, String category,
        Brand brand) {
      this.sourceId = sourceId;
      this.step = step;
      this.variant = variant;
      this.type = type;
      this.category = category;
      this.brand = brand;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Shape s && s.sourceId.equals(sourceId) && s.step.equals(step)
          && s.variant.equals(variant) && s.type == type && s.category.equals(category)
          && Objects.equals(s.brand, brand);
    }

    @Override
    public int hashCode() {
      return Objects.hash(sourceId, step, variant, System.identityHashCode(type), category,
          brand);
    }
  }

  private record Outcome(String reason, String detail) {}

  private record Engagement(Instant clickedAt, int conversions, BigDecimal value) {}

  private record EventExtra(String reason, String detail, int httpStatus, BigDecimal value) {}

  /** A growable list of ints. */
  private static final class IntList {
    /** Whether the values are delivery rows (else event rows): retention filters by it. */
    final boolean isRows;
    private int[] values = new int[8];
    private int size;

    IntList() {
      this(false);
    }

    IntList(boolean isRows) {
      this.isRows = isRows;
    }

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size + (size >> 1));
      }
      values[size++] = value;
    }

    int get(int index) {
      return values[index];
    }

    void addAll(IntList other) {
      for (int i = 0; other != null && i < other.size; i++) {
        add(other.get(i));
      }
    }

    /** Keeps the values {@code keep} accepts, in a new array: a stream may still read the old. */
    void retain(java.util.function.IntPredicate keep) {
      int[] kept = new int[Math.max(8, size)];
      int n = 0;
      for (int i = 0; i < size; i++) {
        if (keep.test(values[i])) {
          kept[n++] = values[i];
        }
      }
      values = kept;
      size = n;
    }
  }
}

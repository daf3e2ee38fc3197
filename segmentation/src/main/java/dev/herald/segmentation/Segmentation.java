package dev.herald.segmentation;

import dev.herald.Herald;
import dev.herald.HeraldException;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.segmentation.internal.SegmentIds;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.PlayerPushState;
import dev.herald.subscription.PushPreferences;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Herald's segment engine: saved segments, one-player checks for triggers, audience counts and
 * member streams for campaigns. It is also Herald's {@link AudienceResolver}.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *     .audienceResolverFrom(h -> Segmentation.builder().herald(h).build())
 *     .build();
 * Segmentation segmentation = herald.audienceResolver(Segmentation.class);
 * segmentation.segments().define("dormant-vip", "VIPs who have not deposited for a week",
 *     "push.enabled and vip_level >= 3 and last_deposit_at before now - 7d");
 * boolean now = segmentation.matches("dormant-vip", "player-42");   // a trigger asks
 * long size = segmentation.count("dormant-vip");                     // a back office previews
 * herald.dispatch(DispatchRequest.builder("vip-offer", Audience.segment("dormant-vip"))
 *     .content(offer).build());                                     // a campaign sends
 * }</pre>
 *
 * <h2>Where values come from</h2>
 * The host's attributes come from {@link PlayerDirectory} profiles. Herald's {@code push.*}
 * attributes (see {@link HeraldAttributes}) are derived from the {@link SubscriptionStore} and the
 * {@link PushActivity} when those are given, and take precedence over a profile attribute of the
 * same name; without a subscription store they are read from the profile like any other.
 *
 * <h2>One player and bulk</h2>
 * {@link #matches} reads the player's profile and push state live. {@link #count} and
 * {@link #members} evaluate over a {@link PlayerIndex}, a columnar snapshot of every player
 * built from {@link PlayerDirectory#all()}; it is rebuilt on the calling thread when it is older
 * than {@link Builder#indexMaxAge} (five minutes by default), or on {@link #refreshIndex()}.
 * Players the directory does not list are in no audience.
 *
 * <p>With {@link Builder#sqlAudience}, counts and member streams run inside PostgreSQL instead,
 * over the host's player table, whose columns then also supply Herald's {@code push.*}
 * attributes; no index is built.
 *
 * <p>Time is the builder's clock. Thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class Segmentation implements AudienceResolver {
  private final AttributeCatalogue catalogue;
  private final PlayerDirectory players;
  private final SubscriptionStore subscriptions;
  private final PushActivity activity;
  private final Clock clock;
  private final Duration indexMaxAge;
  private final SqlAudience database;
  private final SegmentRegistry registry;
  private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();
  private final RuleParser parser;
  private final Object indexLock = new Object();
  private volatile PlayerIndex index;

  private Segmentation(Builder b) {
    this.catalogue = b.catalogue;
    this.players = b.players;
    this.subscriptions = b.subscriptions;
    this.activity = b.activity;
    this.clock = b.clock;
    this.indexMaxAge = b.indexMaxAge;
    this.database = b.database;
    this.registry = new SegmentRegistry(b.segmentStore, catalogue, clock);
    this.parser = RuleParser.of(catalogue).withKnownSegments(id -> registry.find(id).isPresent());
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the attributes rules may name */
  public AttributeCatalogue catalogue() {
    return catalogue;
  }

  /** @return the saved segments */
  public SegmentRegistry segments() {
    return registry;
  }

  /** @return a parser that checks against this catalogue and the saved segments */
  public RuleParser parser() {
    return parser;
  }

  /**
   * Compiles a saved segment with the segments it refers to as they are now.
   *
   * @param segmentId the segment
   * @return the compiled rule
   * @throws InvalidInputException for an unknown segment
   * @throws SegmentRuleException when its references are broken or cyclic
   */
  public CompiledSegment compile(String segmentId) {
    SegmentIds.check(segmentId);
    Compiled cached = compiled.get(segmentId);
    if (cached != null && cached.stillCurrent(registry)) {
      return cached.segment();
    }
    // Record every saved segment the compilation reads, to know when the result goes stale.
    Map<String, Condition> read = new HashMap<>();
    Function<String, Optional<Condition>> recording = id -> {
      Optional<Condition> condition = registry.condition(id);
      read.put(id, condition.orElse(null));
      return condition;
    };
    Optional<Condition> rule = recording.apply(segmentId);
    if (rule.isEmpty()) {
      compiled.remove(segmentId);
      throw new InvalidInputException("segmentId", "unknown segment '" + segmentId + "'");
    }
    CompiledSegment segment = CompiledSegment.compile(rule.get(), catalogue, recording);
    compiled.put(segmentId, new Compiled(Collections.unmodifiableMap(read), segment));
    return segment;
  }

  /**
   * A compiled saved segment and the rules it was compiled from. The registry hands out the same
   * parsed {@link Condition} object while a segment's stored text is unchanged, so comparing
   * identities tells whether any segment read (the segment itself, those it refers to) changed.
   */
  private record Compiled(Map<String, Condition> read, CompiledSegment segment) {
    boolean stillCurrent(SegmentRegistry registry) {
      for (Map.Entry<String, Condition> e : read.entrySet()) {
        if (registry.condition(e.getKey()).orElse(null) != e.getValue()) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Compiles a rule, resolving references against the saved segments.
   *
   * @param rule the rule
   * @return the compiled rule
   * @throws SegmentRuleException for type problems, unknown segments or cycles
   */
  public CompiledSegment compile(Condition rule) {
    return CompiledSegment.compile(rule, catalogue, registry::condition);
  }

  /**
   * Whether one player is in a saved segment right now, from the player's live profile and
   * push state: what a trigger asks.
   *
   * @param segmentId the segment
   * @param playerId the player
   * @return true when a member; false too when the directory does not know the player
   * @throws InvalidInputException for an unknown segment
   */
  public boolean matches(String segmentId, String playerId) {
    CompiledSegment segment = compile(segmentId);
    return attributesOf(playerId).map(p -> segment.matches(p, clock.instant())).orElse(false);
  }

  /**
   * The three-valued result of a saved segment for one player, to explain a decision.
   *
   * @param segmentId the segment
   * @param playerId the player
   * @return TRUE, FALSE or UNKNOWN; UNKNOWN too when the directory does not know the player
   * @throws InvalidInputException for an unknown segment
   */
  public Truth evaluate(String segmentId, String playerId) {
    CompiledSegment segment = compile(segmentId);
    return attributesOf(playerId).map(p -> segment.evaluate(p, clock.instant()))
        .orElse(Truth.UNKNOWN);
  }

  /**
   * One player's values as rules see them: the profile's attributes with Herald's on top.
   *
   * @param playerId the player
   * @return the values, or empty when the directory does not know the player
   */
  public Optional<PlayerAttributes> attributesOf(String playerId) {
    if (playerId == null || playerId.isBlank()) {
      return Optional.empty();
    }
    return players.find(playerId).map(this::attributesOf);
  }

  private PlayerAttributes attributesOf(PlayerProfile profile) {
    String id = profile.playerId();
    Map<String, Object> herald;
    if (subscriptions != null) {
      PlayerPushState state = new PlayerPushState(id, subscriptions.devicesOf(id),
          subscriptions.preferences(id).orElseGet(() -> PushPreferences.none(id)));
      herald = HeraldAttributes.of(state, activity);
    } else {
      herald = new HashMap<>(4);
      activity.lastReceivedAt(id).ifPresent(t -> herald.put(HeraldAttributes.PUSH_LAST_RECEIVED_AT, t));
      activity.lastClickedAt(id).ifPresent(t -> herald.put(HeraldAttributes.PUSH_LAST_CLICKED_AT, t));
    }
    return PlayerAttributes.of(profile).overriddenBy(herald);
  }

  /**
   * The current snapshot of every player, rebuilt first when older than the maximum age.
   *
   * @return the index
   */
  public PlayerIndex index() {
    PlayerIndex current = index;
    if (current != null && fresh(current)) {
      return current;
    }
    synchronized (indexLock) {
      current = index;
      if (current != null && fresh(current)) {
        return current;
      }
      current = buildIndex();
      index = current;
      return current;
    }
  }

  /**
   * Rebuilds the snapshot now, from {@link PlayerDirectory#all()}.
   *
   * @return the new index
   */
  public PlayerIndex refreshIndex() {
    synchronized (indexLock) {
      PlayerIndex current = buildIndex();
      index = current;
      return current;
    }
  }

  private boolean fresh(PlayerIndex i) {
    return !clock.instant().isAfter(i.builtAt().plus(indexMaxAge));
  }

  private PlayerIndex buildIndex() {
    Instant startedAt = clock.instant();
    PlayerIndex.Builder builder = PlayerIndex.builder(catalogue);
    try (Stream<PlayerProfile> all = players.all()) {
      all.forEach(p -> builder.add(p.playerId(), attributesOf(p)));
    } catch (IllegalArgumentException e) {
      throw new HeraldException("the player directory must stream players in ascending id"
          + " order (PlayerDirectory.all()): " + e.getMessage(), e);
    }
    return builder.build(startedAt);
  }

  /**
   * Counts a saved segment's members over the current index.
   *
   * @param segmentId the segment
   * @return the audience size
   * @throws InvalidInputException for an unknown segment
   */
  @Override
  public long count(String segmentId) {
    CompiledSegment segment = compile(segmentId);
    if (database != null) {
      return database.count(segment, clock.instant());
    }
    return segment.count(index(), clock.instant());
  }

  /**
   * Streams a saved segment's members over the current index, in ascending id order, computed
   * as the stream is consumed.
   *
   * @param segmentId the segment
   * @return the player ids
   * @throws InvalidInputException for an unknown segment
   */
  @Override
  public Stream<String> members(String segmentId) {
    CompiledSegment segment = compile(segmentId);
    if (database != null) {
      return database.members(segment, clock.instant());
    }
    return segment.members(index(), clock.instant());
  }

  /**
   * Streams a saved segment's members after a player id: over PostgreSQL the page queries start
   * there (keyset); over the index the members before it are skipped, 64 players at a time.
   *
   * @param segmentId the segment
   * @param afterPlayerId the last id not wanted; null for every member
   * @return the player ids after it, ascending
   * @throws InvalidInputException for an unknown segment
   */
  @Override
  public Stream<String> membersAfter(String segmentId, String afterPlayerId) {
    if (afterPlayerId == null) {
      return members(segmentId);
    }
    CompiledSegment segment = compile(segmentId);
    if (database != null) {
      return database.members(segment, clock.instant(), afterPlayerId);
    }
    return segment.members(index(), clock.instant())
        .dropWhile(id -> id.compareTo(afterPlayerId) <= 0);
  }

  /**
   * Counts the audience of a rule that is not saved, for a back office previewing a draft.
   *
   * @param rule the rule, text or JSON; it may refer to saved segments
   * @return the audience size over the current index
   * @throws SegmentRuleException with the position of the first problem
   */
  public long preview(String rule) {
    CompiledSegment segment = compile(parser.parse(rule));
    if (database != null) {
      return database.count(segment, clock.instant());
    }
    return segment.count(index(), clock.instant());
  }

  @Override
  public String toString() {
    return "Segmentation{" + catalogue + ", " + registry.all().size() + " segments}";
  }

  /** Builds a {@link Segmentation}; only the player directory is required. */
  public static final class Builder {
    private AttributeCatalogue catalogue = AttributeCatalogue.casino();
    private PlayerDirectory players;
    private SubscriptionStore subscriptions;
    private PushActivity activity = PushActivity.none();
    private SegmentStore segmentStore;
    private Clock clock = Clock.systemUTC();
    private Duration indexMaxAge = Duration.ofMinutes(5);
    private SqlAudience database;

    private Builder() {}

    /**
     * Counts and streams audiences inside the database instead of over a {@link PlayerIndex}:
     * {@link #count}, {@link #members} and {@link #preview} then compile the rule to SQL over
     * the audience's player table (a rule naming an attribute the table does not map is refused
     * with a {@link SegmentRuleException}), and no index is ever built. Every attribute, Herald's
     * {@code push.*} ones included, then comes from the table's columns. One-player checks
     * ({@link #matches}) still read the directory and subscription store live. See
     * {@code docs/segments-sql.md}.
     *
     * @param value the database audience, or null for the in-memory index (the default)
     * @return this builder
     */
    public Builder sqlAudience(SqlAudience value) {
      this.database = value;
      return this;
    }

    /**
     * Takes the player directory, the subscription store, the delivery store (for
     * {@code push.last_received_at} and {@code push.last_clicked_at}) and the clock of a Herald
     * instance.
     *
     * @param herald the instance
     * @return this builder
     */
    public Builder herald(Herald herald) {
      Checks.required(herald, "herald");
      this.players = herald.players();
      this.subscriptions = herald.subscriptionStore();
      this.activity = PushActivity.fromDeliveryStore(herald.deliveryStore());
      this.clock = herald.clock();
      return this;
    }

    /**
     * The attributes rules may name; {@link AttributeCatalogue#casino()} by default.
     *
     * @param value the catalogue
     * @return this builder
     */
    public Builder catalogue(AttributeCatalogue value) {
      this.catalogue = Checks.required(value, "catalogue");
      return this;
    }

    /**
     * Where players and the host's attributes come from. Required.
     *
     * @param value the directory
     * @return this builder
     */
    public Builder players(PlayerDirectory value) {
      this.players = Checks.required(value, "players");
      return this;
    }

    /**
     * Where Herald's push attributes come from; without one they are read from profiles.
     *
     * @param value the store, or null
     * @return this builder
     */
    public Builder subscriptionStore(SubscriptionStore value) {
      this.subscriptions = value;
      return this;
    }

    /**
     * Where {@code push.last_received_at} and {@code push.last_clicked_at} come from;
     * {@link PushActivity#none()} by default.
     *
     * @param value the source
     * @return this builder
     */
    public Builder pushActivity(PushActivity value) {
      this.activity = Checks.required(value, "pushActivity");
      return this;
    }

    /**
     * Where saved segments live; {@link SegmentStore#inMemory()} by default.
     *
     * @param value the store
     * @return this builder
     */
    public Builder segmentStore(SegmentStore value) {
      this.segmentStore = Checks.required(value, "segmentStore");
      return this;
    }

    /**
     * The time source for {@code now} and index ages; the system UTC clock by default.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * How old the player index may get before a count or member stream rebuilds it; five
     * minutes by default, zero to rebuild for every query.
     *
     * @param value from zero to one day
     * @return this builder
     */
    public Builder indexMaxAge(Duration value) {
      this.indexMaxAge = Checks.range(value, "indexMaxAge", Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /**
     * Builds the engine.
     *
     * @return the engine
     * @throws InvalidInputException when no player directory was given
     */
    public Segmentation build() {
      if (players == null) {
        throw new InvalidInputException("players", "a player directory is required: call players(...) or"
            + " herald(...) before build()");
      }
      if (segmentStore == null) {
        segmentStore = SegmentStore.inMemory();
      }
      return new Segmentation(this);
    }
  }
}

package dev.herald.jdbc;

import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.herald.InvalidInputException;
import dev.herald.embedded.ExecutorScheduler;
import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.spi.DurableScheduler;
import dev.herald.spi.NodeRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DurableScheduler} on PostgreSQL, built on db-scheduler
 * ({@code com.github.kagkarlsson:db-scheduler}) and its table {@code scheduled_tasks} (migration
 * {@code V4__scheduler.sql}): Herald's campaign starts and delayed trigger sends are rows there, so
 * they survive the restart of every node, and each fires once across the nodes sharing the
 * database (a node picks a due row with {@code SELECT … FOR UPDATE SKIP LOCKED}; the row of a
 * node that died while running it is run again once its heartbeat is stale).
 *
 * <pre>{@code
 * JdbcScheduler scheduler = JdbcScheduler.builder(dataSource).build();
 * Herald herald = Herald.builder().scheduler(scheduler) ... .build(); // starts it
 * herald.close();                                                     // stops it
 * }</pre>
 *
 * <p>One scheduler serves one {@code Herald}: Herald {@link #start starts} it when built and
 * {@link #stop stops} it when closed. Its {@link #schedule(Instant, Runnable) Runnable} tasks
 * (retries and quiet-hours wake-ups of a run in progress, which resumes from the stores after a
 * restart) run in this process on one daemon thread.
 *
 * <p>It is also the node's presence in the cluster ({@link NodeRegistry}): while started it
 * upserts a row of {@code herald_node} every heartbeat, and counts the rows with a fresh heartbeat,
 * so that Herald splits its rate budgets across the live nodes.
 */
public final class JdbcScheduler implements DurableScheduler, NodeRegistry, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JdbcScheduler.class);
  /** Heartbeats a node may miss before it counts as dead (db-scheduler's limit, too). */
  private static final int MISSED_HEARTBEATS = 4;
  /** The db-scheduler task whose instances are Herald's timers. */
  static final String TASK = "herald";
  private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
  private static final int MAX_ID = 400;
  private static final AtomicInteger NODES = new AtomicInteger();

  private final OneTimeTask<Void> task;
  private final com.github.kagkarlsson.scheduler.Scheduler scheduler;
  private final ExecutorScheduler local;
  private final AtomicReference<TaskRunner> runner = new AtomicReference<>();
  private final Jdbc jdbc;
  private final Clock clock;
  private final String nodeName;
  private final Duration heartbeatInterval;
  private final String beat;
  private final String countOthers;
  private final String leave;
  private volatile int liveNodes = 1;
  private volatile boolean stopped;

  private JdbcScheduler(Builder b) {
    this.jdbc = new Jdbc(b.dataSource, "JdbcScheduler");
    HeraldMigrations.check(jdbc, b.schema, "scheduled_tasks", "herald_node");
    String nodes = HeraldMigrations.prefix(b.schema) + "herald_node";
    this.beat = "INSERT INTO " + nodes + " (name, heartbeat_at) VALUES (?, ?)"
        + " ON CONFLICT (name) DO UPDATE SET heartbeat_at = excluded.heartbeat_at";
    this.countOthers = "SELECT count(*) FROM " + nodes + " WHERE heartbeat_at >= ? AND name <> ?";
    this.leave = "DELETE FROM " + nodes + " WHERE name = ? OR heartbeat_at < ?";
    this.nodeName = b.nodeName;
    this.heartbeatInterval = b.heartbeatInterval;
    this.task = Tasks.oneTime(TASK)
        .onFailure(new FailureHandler.OnFailureRetryLater<>(b.retryAfterFailure))
        .execute((instance, context) -> run(instance.getId()));
    this.clock = b.clock;
    this.scheduler = com.github.kagkarlsson.scheduler.Scheduler.create(b.dataSource, task)
        .tableName(HeraldMigrations.prefix(b.schema) + "scheduled_tasks")
        .schedulerName(new SchedulerName.Fixed(b.nodeName))
        .clock(clock::instant)
        .threads(b.threads)
        .pollingInterval(b.pollingInterval)
        .pollUsingLockAndFetch(0.5, 1.0)
        .heartbeatInterval(b.heartbeatInterval)
        .missedHeartbeatsLimit(MISSED_HEARTBEATS)
        .shutdownMaxWait(Duration.ofSeconds(10))
        .enableImmediateExecution()
        .build();
    this.local = ExecutorScheduler.create(clock);
  }

  /**
   * Starts configuring a scheduler over the tables in the connections' default schema.
   *
   * @param dataSource the database, migrated by {@link HeraldSchema#migrate(DataSource)}
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Checks.required(dataSource, "dataSource"));
  }

  @Override
  public void start(TaskRunner taskRunner) {
    Checks.required(taskRunner, "runner");
    if (stopped) {
      throw new IllegalStateException("this JdbcScheduler was stopped; build a new one");
    }
    if (!runner.compareAndSet(null, taskRunner)) {
      throw new IllegalStateException("this JdbcScheduler was started already: one serves one"
          + " Herald");
    }
    scheduler.start();
    try {
      beat();
    } catch (RuntimeException e) {
      log.warn("node {}: first heartbeat failed; counting this node alone", nodeName, e);
    }
    scheduleBeat();
  }

  /**
   * How many nodes are live, this one included, as counted at this node's last heartbeat: the
   * rows of {@code herald_node} whose heartbeat is at most 4 intervals old.
   *
   * @return at least 1
   */
  @Override
  public int liveNodes() {
    return liveNodes;
  }

  /** Upserts this node's heartbeat and counts the live nodes. */
  void beat() {
    Instant now = clock.instant();
    liveNodes = 1 + jdbc.read("recording a heartbeat", c -> {
      try (PreparedStatement ps = c.prepareStatement(beat)) {
        ps.setString(1, nodeName);
        Jdbc.setInstant(ps, 2, now);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(countOthers)) {
        Jdbc.setInstant(ps, 1, now.minus(heartbeatInterval.multipliedBy(MISSED_HEARTBEATS)));
        ps.setString(2, nodeName);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }

  private void scheduleBeat() {
    if (stopped) {
      return;
    }
    local.schedule(clock.instant().plus(heartbeatInterval), () -> {
      try {
        if (!stopped) {
          beat();
        }
      } catch (RuntimeException e) {
        log.warn("node {}: heartbeat failed; keeping the last count of {} live nodes", nodeName,
            liveNodes, e);
      } finally {
        scheduleBeat();
      }
    });
  }

  /** Removes this node's row (the others count one fewer at their next heartbeat) and old rows. */
  private void leave() {
    jdbc.read("removing this node", c -> {
      try (PreparedStatement ps = c.prepareStatement(leave)) {
        ps.setString(1, nodeName);
        Jdbc.setInstant(ps, 2, clock.instant().minus(Duration.ofDays(1)));
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      if (runner.get() != null) {
        scheduler.stop();
        leave();
      }
    } finally {
      local.close();
    }
  }

  /** Stops it, as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public boolean schedule(Instant at, String kind, String id) {
    Checks.required(at, "at");
    return scheduler.scheduleIfNotExists(
        task.instance(instanceId(kind, id)), at);
  }

  @Override
  public boolean cancel(String kind, String id) {
    TaskInstanceId instance = TaskInstanceId.of(TASK, instanceId(kind, id));
    if (scheduler.getScheduledExecution(instance).filter(e -> !e.isPicked()).isEmpty()) {
      return false;
    }
    try {
      scheduler.cancel(instance);
      return true;
    } catch (RuntimeException e) { // picked or removed between the read and the cancel
      return false;
    }
  }

  @Override
  public ScheduledTask schedule(Instant at, Runnable task) {
    return local.schedule(at, task);
  }

  private void run(String instanceId) {
    int colon = instanceId.indexOf(':');
    TaskRunner taskRunner = runner.get();
    if (taskRunner == null || colon < 0) {
      throw new IllegalStateException("cannot run task " + instanceId);
    }
    taskRunner.run(instanceId.substring(0, colon), instanceId.substring(colon + 1));
  }

  private static String instanceId(String kind, String id) {
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new InvalidInputException("kind", "must be 1 to 64 lower-case letters, digits or -,"
          + " got " + (kind == null ? "null" : "'" + kind + "'"));
    }
    return kind + ':' + Checks.nonBlank(id, "id", MAX_ID);
  }

  /** Configures a {@link JdbcScheduler}; every setting has a default. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema;
    private Duration pollingInterval = Duration.ofSeconds(5);
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration retryAfterFailure = Duration.ofSeconds(30);
    private int threads = 4;
    private Clock clock = Clock.systemUTC();
    private String nodeName = defaultNodeName();

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param value the schema {@link HeraldSchema#migrate(DataSource, String)} migrated, or null
     *     (the default) for the connections' own, as the stores take it
     * @return this builder
     */
    public Builder schema(String value) {
      this.schema = value == null ? null : HeraldMigrations.checkSchemaName(value);
      return this;
    }

    /**
     * @param value how often a node looks for due tasks, 50 ms to 10 minutes; 5 s by default (a
     *     task this node schedules for now runs at once)
     * @return this builder
     */
    public Builder pollingInterval(Duration value) {
      this.pollingInterval = Checks.range(value, "pollingInterval", Duration.ofMillis(50),
          Duration.ofMinutes(10));
      return this;
    }

    /**
     * @param value how often a running task's row is touched and this node's row of
     *     {@code herald_node} is renewed, 1 s to 10 minutes; 30 s by default. A task whose node
     *     missed 4 heartbeats is run again by another node, and such a node no longer counts
     *     among the live ones
     * @return this builder
     */
    public Builder heartbeatInterval(Duration value) {
      this.heartbeatInterval = Checks.range(value, "heartbeatInterval", Duration.ofSeconds(1),
          Duration.ofMinutes(10));
      return this;
    }

    /**
     * @param value when a task that threw (the database was away, say) runs again, 1 s to 1 day;
     *     30 s by default
     * @return this builder
     */
    public Builder retryAfterFailure(Duration value) {
      this.retryAfterFailure = Checks.range(value, "retryAfterFailure", Duration.ofSeconds(1),
          Duration.ofDays(1));
      return this;
    }

    /**
     * @param value threads running due tasks, 1 to 64; 4 by default (a task only hands its work
     *     to Herald, so it is short)
     * @return this builder
     */
    public Builder threads(int value) {
      this.threads = Checks.range(value, "threads", 1, 64);
      return this;
    }

    /**
     * @param value decides when a task is due (and times the local tasks); the system UTC clock
     *     by default. Give every node the clock Herald uses
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * @param value this node's name in {@code scheduled_tasks.picked_by}, 1 to 100 characters;
     *     by default the JVM's name (pid@host) and a counter
     * @return this builder
     */
    public Builder nodeName(String value) {
      this.nodeName = Checks.nonBlank(value, "nodeName", 100);
      return this;
    }

    /**
     * Builds the scheduler; Herald starts it.
     *
     * @return the scheduler
     * @throws HeraldStorageException when the schema is missing, at another version or lacks
     *     {@code scheduled_tasks}
     */
    public JdbcScheduler build() {
      return new JdbcScheduler(this);
    }

    private static String defaultNodeName() {
      String jvm = ManagementFactory.getRuntimeMXBean().getName();
      String name = jvm + "#" + NODES.incrementAndGet();
      return name.length() <= 100 ? name : name.substring(name.length() - 100);
    }
  }
}

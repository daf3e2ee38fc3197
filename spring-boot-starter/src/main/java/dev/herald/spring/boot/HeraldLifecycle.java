package dev.herald.spring.boot;

import dev.herald.Herald;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties Herald to the application context: {@link Herald#recover()} when the context starts (so
 * scheduled campaigns and delayed trigger sends kept in durable stores are re-armed), and a
 * graceful {@link Herald#close()} when it stops.
 *
 * <p>Its {@link #PHASE} is below the web server's lifecycle phases, so Herald is recovered before
 * the server takes requests and closed only after the server has stopped taking them (and after
 * Boot's graceful shutdown has let in-flight requests finish).
 */
public final class HeraldLifecycle implements SmartLifecycle {
  /**
   * {@code SmartLifecycle.DEFAULT_PHASE - 4096}: below Boot's web server graceful-shutdown
   * ({@code DEFAULT_PHASE - 1024}) and start/stop ({@code DEFAULT_PHASE - 2048}) phases.
   */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(HeraldLifecycle.class);

  private final Herald herald;
  private final boolean recoverOnStart;
  private volatile boolean running;

  /**
   * Creates the lifecycle.
   *
   * @param herald the Herald to recover and close
   * @param recoverOnStart whether {@link #start()} calls {@link Herald#recover()}
   */
  public HeraldLifecycle(Herald herald, boolean recoverOnStart) {
    this.herald = Objects.requireNonNull(herald, "herald");
    this.recoverOnStart = recoverOnStart;
  }

  /** Recovers Herald's pending work from its stores, if configured to. */
  @Override
  public void start() {
    if (recoverOnStart) {
      int recovered = herald.recover();
      if (recovered > 0) {
        log.info("Herald recovered {} campaign(s) and delayed send(s)", recovered);
      }
    }
    running = true;
  }

  /** Closes Herald: stops its runs and closes its providers. */
  @Override
  public void stop() {
    running = false;
    herald.close();
  }

  /** @return whether {@link #start()} ran and {@link #stop()} did not */
  @Override
  public boolean isRunning() {
    return running;
  }

  /** @return {@link #PHASE} */
  @Override
  public int getPhase() {
    return PHASE;
  }
}

package dev.herald.apns.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads OkHttp runs APNs calls on. An OkHttp call holds its thread from dispatch until the
 * response arrives, so there is one thread per request in flight, and Herald's per-connection
 * stream limit bounds how many there are.
 *
 * <p>The default is a cached pool of daemon platform threads, on every Java version, because it
 * measured fastest (see {@code benchmarks/README.md}): against the local mock on 2 cores, virtual
 * threads on Java 25 sent half as many notifications a second at the few dozen streams a
 * CPU-bound connection settles on (their two carrier threads get a small share of the CPU next
 * to platform threads), and no more at 400 streams with a 50 ms round trip. Hosts that prefer
 * virtual threads pass {@link #virtualThreadExecutor(String)} or their own executor.
 */
public final class ThreadPools {
  private ThreadPools() {}

  /**
   * A cached pool of daemon platform threads, created on demand and retired after a minute idle.
   *
   * @param namePrefix thread name prefix, for example {@code "herald-apns-"}
   * @return the executor
   */
  public static ExecutorService platformExecutor(String namePrefix) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
        new SynchronousQueue<>(), runnable -> {
          Thread t = new Thread(runnable, namePrefix + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Whether this JVM offers virtual threads (Java 21 and later).
   *
   * @return true when {@link #virtualThreadExecutor(String)} works
   */
  public static boolean virtualThreadsAvailable() {
    return virtualThreadFactory("probe-") != null;
  }

  /**
   * A virtual thread per task (Java 21 and later).
   *
   * @param namePrefix thread name prefix
   * @return the executor
   * @throws UnsupportedOperationException before Java 21
   */
  public static ExecutorService virtualThreadExecutor(String namePrefix) {
    ThreadFactory virtual = virtualThreadFactory(namePrefix);
    if (virtual != null) {
      try {
        Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
        return (ExecutorService) perTask.invoke(null, virtual);
      } catch (ReflectiveOperationException e) {
        // Fall through.
      }
    }
    throw new UnsupportedOperationException("virtual threads need Java 21 or later");
  }

  private static ThreadFactory virtualThreadFactory(String namePrefix) {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> type = Class.forName("java.lang.Thread$Builder");
      builder = type.getMethod("name", String.class, long.class).invoke(builder, namePrefix, 1L);
      return (ThreadFactory) type.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}

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
 * response arrives, so there is one thread per request in flight.
 *
 * <p>On Java 21 and later they are virtual threads: a parked virtual thread costs a few hundred
 * bytes, and OkHttp 5 blocks with {@code java.util.concurrent} locks, which do not pin the
 * carrier. On Java 17 they are daemon platform threads from a cached pool, created on demand and
 * retired after a minute idle; Herald's per-connection in-flight limit bounds how many exist.
 */
public final class ThreadPools {
  private ThreadPools() {}

  /**
   * Whether this JVM offers virtual threads (Java 21 and later).
   *
   * @return true when {@link #newExecutor(String)} returns virtual threads
   */
  public static boolean virtualThreadsAvailable() {
    return virtualThreadFactory("probe-") != null;
  }

  /**
   * A new executor for APNs calls.
   *
   * @param namePrefix thread name prefix, for example {@code "herald-apns-"}
   * @return virtual threads when available, else a cached pool of daemon threads
   */
  public static ExecutorService newExecutor(String namePrefix) {
    ThreadFactory virtual = virtualThreadFactory(namePrefix);
    if (virtual != null) {
      try {
        Method perTask = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
        return (ExecutorService) perTask.invoke(null, virtual);
      } catch (ReflectiveOperationException e) {
        // Fall through to platform threads.
      }
    }
    return platformExecutor(namePrefix);
  }

  /**
   * A cached pool of daemon platform threads.
   *
   * @param namePrefix thread name prefix
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

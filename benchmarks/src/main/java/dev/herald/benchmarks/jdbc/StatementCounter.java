package dev.herald.benchmarks.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A DataSource that counts statement executions (a JDBC batch is one round trip), and reads the
 * server's count of committed transactions.
 */
final class StatementCounter extends DelegatingDataSource {
  final AtomicLong executions = new AtomicLong();
  /** Executions by the statement's first words. */
  final Map<String, LongAdder> bySql = new ConcurrentHashMap<>();

  StatementCounter(DataSource delegate) {
    super(delegate);
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = super.getConnection();
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object result = invoke(method, real, args);
          if (method.getName().equals("prepareStatement")) {
            PreparedStatement ps = (PreparedStatement) result;
            String sql = (String) args[0];
            String shape = sql.substring(0, Math.min(sql.length(), 48));
            return Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                  if (m.getName().startsWith("execute")) {
                    executions.incrementAndGet();
                    bySql.computeIfAbsent(shape, k -> new LongAdder()).increment();
                  }
                  return invoke(m, ps, a);
                });
          }
          return result;
        });
  }

  private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Transactions committed in this database so far, as the server counts them. */
  static long commits(DataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
      // the statistics collector lags; ask for a fresh snapshot
      try (PreparedStatement clear = c.prepareStatement("SELECT pg_stat_clear_snapshot()")) {
        clear.execute();
      }
      Thread.sleep(600); // PostgreSQL < 15 reports to its collector every 500 ms
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted", e);
    }
  }
}

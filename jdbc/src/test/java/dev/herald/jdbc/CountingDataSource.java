package dev.herald.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that counts what a store does with it: connections taken, statements prepared,
 * commits, statement executions (a JDBC batch counts as one round trip) and transactions.
 */
final class CountingDataSource implements DataSource {
  final AtomicLong connections = new AtomicLong();
  final AtomicLong statements = new AtomicLong();
  final AtomicLong executions = new AtomicLong();
  final AtomicLong commits = new AtomicLong();
  /** Commits, and statements executed in auto-commit mode (each its own transaction). */
  final AtomicLong transactions = new AtomicLong();
  private final DataSource delegate;

  CountingDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  void reset() {
    connections.set(0);
    statements.set(0);
    executions.set(0);
    commits.set(0);
    transactions.set(0);
  }

  @Override
  public Connection getConnection() throws SQLException {
    connections.incrementAndGet();
    Connection real = delegate.getConnection();
    boolean[] autoCommit = {real.getAutoCommit()};
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          try {
            Object result = method.invoke(real, args);
            switch (method.getName()) {
              case "commit" -> {
                commits.incrementAndGet();
                transactions.incrementAndGet();
              }
              case "setAutoCommit" -> autoCommit[0] = (Boolean) args[0];
              case "prepareStatement" -> {
                statements.incrementAndGet();
                java.sql.PreparedStatement ps = (java.sql.PreparedStatement) result;
                return Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {java.sql.PreparedStatement.class}, (p, m, a) -> {
                      if (m.getName().startsWith("execute")) {
                        executions.incrementAndGet();
                        if (autoCommit[0]) {
                          transactions.incrementAndGet();
                        }
                      }
                      try {
                        return m.invoke(ps, a);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    });
              }
              default -> { }
            }
            return result;
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Override
  public Connection getConnection(String username, String password) {
    throw new UnsupportedOperationException();
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}

package dev.herald.jdbc;

import dev.herald.HeraldException;

/**
 * A store could not reach or use the database: a lost connection, a schema at the wrong version,
 * a missing table. The message says which store, what it was doing and, for the schema, what to
 * run; the cause is the driver's {@link java.sql.SQLException} when there is one.
 */
public class HeraldStorageException extends HeraldException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed and what to do
   */
  public HeraldStorageException(String message) {
    super(message);
  }

  /**
   * Creates an exception with its cause.
   *
   * @param message what failed and what to do
   * @param cause the driver's exception
   */
  public HeraldStorageException(String message, Throwable cause) {
    super(message, cause);
  }
}

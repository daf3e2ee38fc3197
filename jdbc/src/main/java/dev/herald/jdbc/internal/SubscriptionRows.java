package dev.herald.jdbc.internal;

import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Invalidation;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.WebPushAddress;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * How a row of each subscription table is made from Herald's values, written once: for the
 * parameters of one statement ({@link Parameters}, JdbcSubscriptionStore's saves) and for the
 * column arrays of a batch ({@link Batch}, its bulk import's {@code unnest} inserts).
 */
public final class SubscriptionRows {
  private static final HexFormat HEX = HexFormat.of();

  private SubscriptionRows() {}

  /** Where a row's values go, one call per column, in the table's column order. */
  public interface Columns {
    /**
     * @param value a {@code text} value, or null for SQL NULL
     * @throws SQLException from the driver
     */
    void text(String value) throws SQLException;

    /**
     * @param value a {@code bytea} value, or null for SQL NULL
     * @throws SQLException from the driver
     */
    void bytes(byte[] value) throws SQLException;

    /**
     * @param value a {@code bigint} value
     * @throws SQLException from the driver
     */
    void bigint(long value) throws SQLException;

    /**
     * @param value a {@code boolean} value
     * @throws SQLException from the driver
     */
    void bool(boolean value) throws SQLException;

    /**
     * @param value a {@code timestamptz} value (kept to the microsecond), or null for SQL NULL
     * @throws SQLException from the driver
     */
    void timestamp(Instant value) throws SQLException;

    /**
     * @param values a {@code text[]} value
     * @throws SQLException from the driver
     */
    void textArray(Collection<String> values) throws SQLException;
  }

  /**
   * A device's row, in {@link SubscriptionSql#DEVICE_COLUMNS} order: the two ids, then
   * {@link #deviceFields}.
   *
   * @param d the device
   * @param out where the values go
   * @throws SQLException from the driver
   */
  public static void device(Device d, Columns out) throws SQLException {
    out.text(d.playerId());
    out.text(d.deviceId());
    deviceFields(d, out);
  }

  /**
   * A device's columns after the two ids (platform … brand), in
   * {@link SubscriptionSql#DEVICE_COLUMNS} order.
   *
   * @param d the device
   * @param out where the values go
   * @throws SQLException from the driver
   */
  public static void deviceFields(Device d, Columns out) throws SQLException {
    out.text(d.platform().name());
    out.text(d.status().name());
    DeviceAddress address = d.address().orElse(null);
    String text = null;
    byte[] p256dh = null;
    byte[] auth = null;
    String topic = null;
    String environment = null;
    if (address instanceof FcmAddress fcm) {
      text = fcm.token();
    } else if (address instanceof ApnsAddress apns) {
      text = apns.deviceToken();
      topic = apns.topic();
      environment = apns.environment().name();
    } else if (address instanceof WebPushAddress web) {
      text = web.endpoint().toString();
      p256dh = web.p256dh();
      auth = web.auth();
    }
    out.text(text);
    out.bytes(p256dh);
    out.bytes(auth);
    out.text(topic);
    out.text(environment);
    out.bigint(d.addressEpoch());
    out.timestamp(d.addressSince().orElse(null));
    Invalidation invalidation = d.invalidation().orElse(null);
    out.text(invalidation == null ? null : invalidation.reason());
    out.timestamp(invalidation == null ? null : invalidation.at());
    out.text(invalidation == null ? null : invalidation.addressKey());
    out.timestamp(d.createdAt());
    out.timestamp(d.statusChangedAt());
    out.timestamp(d.lastSeenAt());
    out.bigint(d.version());
    out.text(d.brand().id());
  }

  /**
   * A status change's row, in {@link SubscriptionSql#HISTORY_COLUMNS} order.
   *
   * @param change the change
   * @param out where the values go
   * @throws SQLException from the driver
   */
  public static void statusChange(StatusChange change, Columns out) throws SQLException {
    out.text(change.playerId());
    out.text(change.deviceId());
    out.text(change.from().map(Enum::name).orElse(null));
    out.text(change.to().name());
    out.text(change.reason().name());
    out.timestamp(change.at());
    out.text(change.detail());
  }

  /**
   * An address owner's row, in {@link SubscriptionSql#OWNER_COLUMNS} order.
   *
   * @param owner the owner
   * @param out where the values go
   * @throws SQLException from the driver
   */
  public static void owner(AddressOwner owner, Columns out) throws SQLException {
    out.text(owner.addressKey());
    out.text(owner.playerId());
    out.text(owner.deviceId());
    out.bigint(owner.epoch());
  }

  /**
   * A player's preferences row, in {@link SubscriptionSql#PREFERENCES_COLUMNS} order.
   *
   * @param p the preferences
   * @param out where the values go
   * @throws SQLException from the driver
   */
  public static void preferences(PushPreferences p, Columns out) throws SQLException {
    out.text(p.playerId());
    out.bool(p.marketingConsent());
    out.textArray(p.categories());
    out.timestamp(p.updatedAt());
  }

  /** Binds the values to a statement's parameters, from a first index on. */
  public static final class Parameters implements Columns {
    private final Connection connection;
    private final PreparedStatement ps;
    private final List<Array> arrays = new ArrayList<>(1);
    private int next;

    /**
     * @param connection the statement's connection (for array values)
     * @param ps the statement
     * @param first the first parameter's index
     */
    public Parameters(Connection connection, PreparedStatement ps, int first) {
      this.connection = connection;
      this.ps = ps;
      this.next = first;
    }

    /** @return the index of the next parameter */
    public int next() {
      return next;
    }

    /**
     * Frees the array values bound; call once the statement ran.
     *
     * @throws SQLException from the driver
     */
    public void free() throws SQLException {
      for (Array a : arrays) {
        a.free();
      }
      arrays.clear();
    }

    @Override
    public void text(String value) throws SQLException {
      Jdbc.setText(ps, next++, value);
    }

    @Override
    public void bytes(byte[] value) throws SQLException {
      if (value == null) {
        ps.setNull(next++, Types.BINARY);
      } else {
        ps.setBytes(next++, value);
      }
    }

    @Override
    public void bigint(long value) throws SQLException {
      ps.setLong(next++, value);
    }

    @Override
    public void bool(boolean value) throws SQLException {
      ps.setBoolean(next++, value);
    }

    @Override
    public void timestamp(Instant value) throws SQLException {
      Jdbc.setInstant(ps, next++, value);
    }

    @Override
    public void textArray(Collection<String> values) throws SQLException {
      Array array = connection.createArrayOf("text", values.toArray());
      arrays.add(array);
      ps.setArray(next++, array);
    }
  }

  /**
   * Rows collected as one text array per column, each value in the text form PostgreSQL reads
   * for the column's type, for a statement that casts each array to its column's type and
   * inserts the rows with {@code unnest} (one parameter per column for the whole batch).
   */
  public static final class Batch implements Columns {
    private final String[][] values;
    private int rows;
    private int column;

    /**
     * @param columns the columns of a row
     * @param capacity the most rows a batch holds
     */
    public Batch(int columns, int capacity) {
      this.values = new String[columns][capacity];
    }

    /** Ends the row whose values were given; the next value begins a new one. */
    public void endRow() {
      if (column != values.length) {
        throw new IllegalStateException(
            "a row of " + values.length + " columns was given " + column + " values");
      }
      column = 0;
      rows++;
    }

    /** @return the rows held */
    public int rows() {
      return rows;
    }

    /** @return whether no more rows fit */
    public boolean full() {
      return rows == values[0].length;
    }

    /** @return the rows held, one array per column, for {@link Jdbc#setArrays} */
    public Object[][] columns() {
      Object[][] columns = new Object[values.length][];
      for (int i = 0; i < values.length; i++) {
        columns[i] = rows == values[i].length ? values[i] : Arrays.copyOf(values[i], rows);
      }
      return columns;
    }

    /** Empties the batch. */
    public void clear() {
      rows = 0;
      column = 0;
    }

    private void put(String value) {
      values[column++][rows] = value;
    }

    @Override
    public void text(String value) {
      put(value);
    }

    @Override
    public void bytes(byte[] value) {
      put(value == null ? null : "\\x" + HEX.formatHex(value));
    }

    @Override
    public void bigint(long value) {
      put(Long.toString(value));
    }

    @Override
    public void bool(boolean value) {
      put(value ? "true" : "false");
    }

    @Override
    public void timestamp(Instant value) {
      put(value == null ? null : Jdbc.text(value));
    }

    @Override
    public void textArray(Collection<String> values) {
      // an array literal, every element quoted: {"a","b \"c\""}
      StringBuilder literal = new StringBuilder("{");
      for (String element : values) {
        if (literal.length() > 1) {
          literal.append(',');
        }
        literal.append('"');
        for (int i = 0; i < element.length(); i++) {
          char ch = element.charAt(i);
          if (ch == '"' || ch == '\\') {
            literal.append('\\');
          }
          literal.append(ch);
        }
        literal.append('"');
      }
      put(literal.append('}').toString());
    }
  }
}

package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.content.NotificationType;
import dev.herald.subscription.Platform;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The server drops the connection half-way through a batch: the store says so clearly, nothing
 * of the batch is half-written (one transaction), and claiming the batch again claims it whole.
 */
class LostConnectionTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void aConnectionLostDuringClaimAllLeavesNothingHalfDoneAndTheRetryClaimsAll() {
    String schema = TestDatabase.freshSchema("lost");
    AtomicBoolean killNext = new AtomicBoolean();
    JdbcDeliveryStore store = new JdbcDeliveryStore(
        killingSecondStatement(TestDatabase.unpooled(), killNext), schema);
    List<DeliveryRecord> records = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) { // three statements of 500, 500 and 200 rows
      records.add(new DeliveryRecord("c", "", "p" + i, Optional.of("d"),
          Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "A",
          NotificationType.PROMOTIONAL, "promotions", DeliveryState.CLAIMED, "", "", T0, T0, 0,
          0, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO));
    }

    killNext.set(true);
    assertThatThrownBy(() -> store.claimAll(records))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("JdbcDeliveryStore: claiming 1200 deliveries failed (SQLSTATE ")
        .hasMessageContaining("the connection to the database failed");
    try (Stream<DeliveryRecord> claimed = store.deliveriesOf("c")) {
      assertThat(claimed).as("the first 500 rows were rolled back with the rest").isEmpty();
    }

    assertThat(store.claimAll(records)).hasSize(1_200).containsOnly(true);
    assertThat(store.claimAll(records)).containsOnly(false);
  }

  /** Terminates a connection's server process just before its second statement runs. */
  private static DataSource killingSecondStatement(DataSource real, AtomicBoolean armed) {
    return new DelegatingTestDataSource(real) {
      @Override
      public Connection getConnection() throws SQLException {
        Connection c = real.getConnection();
        int pid;
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
          rs.next();
          pid = rs.getInt(1);
        }
        int[] statements = {0};
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement") && ++statements[0] == 2
                  && armed.getAndSet(false)) {
                TestDatabase.execute("SELECT pg_terminate_backend(" + pid + ")");
              }
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
  }
}

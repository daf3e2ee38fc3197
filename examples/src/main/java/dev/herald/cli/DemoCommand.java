package dev.herald.cli;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.examples.CasinoDemo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald demo}: Herald embedded in a pretend casino backend, sending to mock services. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Herald embedded in a pretend casino backend, sending to mock push services.",
      "",
      "Players and devices in every status, a segment, an A/B campaign with a control group,",
      "the deposit-reminder trigger, a security alert next to a held-back promotion, clicks",
      "and deposits, and a report. Every message crosses HTTP/2 and TLS on loopback to the",
      "mock push services of herald-testing."})
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--players", defaultValue = "10000", paramLabel = "N",
      description = "How many players to create (default ${DEFAULT-VALUE}).")
  int players;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the random players (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-progress", description = "Do not draw the progress bar.")
  boolean noProgress;

  @Option(names = "--postgres",
      description = "Keep everything in PostgreSQL: start an embedded one (herald-jdbc's stores).")
  boolean postgres;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "Keep everything in this PostgreSQL 13+ database, in a new schema, e.g."
          + " jdbc:postgresql://localhost/casino?user=herald&password=…")
  String jdbcUrl;

  @Override
  public Integer call() throws Exception {
    if (players < 100 || players > 1_000_000) {
      throw new dev.herald.InvalidInputException("--players",
          "must be between 100 and 1000000, got " + players);
    }
    if (postgres && jdbcUrl != null) {
      throw new dev.herald.InvalidInputException("--jdbc-url",
          "give either --postgres (an embedded database) or --jdbc-url, not both");
    }
    if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new dev.herald.InvalidInputException("--jdbc-url",
          "must start with jdbc:postgresql: (PostgreSQL 13+ is the supported database)");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (!postgres && jdbcUrl == null) {
      new CasinoDemo(out, players, seed, !noProgress).run();
      out.flush();
      return HeraldCommand.OK;
    }
    EmbeddedPostgres embedded = null;
    try {
      HikariConfig pool = new HikariConfig();
      pool.setMaximumPoolSize(10);
      if (postgres) {
        out.println("Starting an embedded PostgreSQL …");
        out.flush();
        embedded = EmbeddedPostgres.builder().start();
        pool.setDataSource(embedded.getPostgresDatabase());
      } else {
        pool.setJdbcUrl(jdbcUrl);
      }
      try (HikariDataSource dataSource = new HikariDataSource(pool)) {
        new CasinoDemo(out, players, seed, !noProgress, dataSource).run();
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
    }
    out.flush();
    return HeraldCommand.OK;
  }
}

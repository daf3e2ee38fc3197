package dev.herald.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Proves that secrets stay out of output: while open, it copies everything written to
 * {@code System.out}, {@code System.err} (where slf4j-simple logs) and {@code java.util.logging}
 * (where OkHttp logs, opened to every level), and it scans whatever else a test hands it:
 * results, exceptions with their causes and stack traces, {@code toString()}s. {@link #close()}
 * restores the streams and fails, naming the secret and where it appeared, if any secret was seen.
 *
 * <pre>{@code
 * try (SecretScanner scan = SecretScanner.start()) {
 *   scan.secret("VAPID private key", keys.exportPrivateKeyBase64Url());
 *   scan.secretBytes("auth secret", address.auth());
 *   scan.check("result", provider.send(message).handle((r, e) -> r != null ? r : e).join());
 * }
 * }</pre>
 *
 * <p>Replaces the JVM-wide streams while open: use it in a test class that runs alone (as a
 * separate Surefire execution does), not in parallel with others.
 */
public final class SecretScanner implements AutoCloseable {
  private static final int SHORTEST_SECRET = 12;

  private final Map<String, String> secrets = new LinkedHashMap<>();
  private final List<String> findings = new ArrayList<>();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final Logger julRoot = Logger.getLogger("");
  private final Level julLevel = julRoot.getLevel();
  private final Handler julHandler;
  private int checked;

  private SecretScanner() {
    System.setOut(new PrintStream(tee(originalOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(originalErr), true, StandardCharsets.UTF_8));
    julHandler = new Handler() {
      private final SimpleFormatter format = new SimpleFormatter();

      @Override
      public void publish(LogRecord record) {
        String text = format.format(record);
        synchronized (captured) {
          captured.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    julHandler.setLevel(Level.ALL);
    julRoot.addHandler(julHandler);
    julRoot.setLevel(Level.ALL);
  }

  /**
   * Starts capturing.
   *
   * @return the scanner; close it to restore the streams and get the verdict
   */
  public static SecretScanner start() {
    return new SecretScanner();
  }

  /**
   * Adds a secret text to look for.
   *
   * @param name what it is, for the failure message (never the value itself)
   * @param value the text, at least 12 characters so that it cannot match by chance
   * @return this scanner
   */
  public SecretScanner secret(String name, String value) {
    if (value == null || value.length() < SHORTEST_SECRET) {
      throw new IllegalArgumentException(name + ": a secret to scan for needs at least "
          + SHORTEST_SECRET + " characters");
    }
    secrets.put(name, value);
    return this;
  }

  /**
   * Adds a binary secret, looked for in base64, base64url and hex.
   *
   * @param name what it is
   * @param value the bytes, at least 9
   * @return this scanner
   */
  public SecretScanner secretBytes(String name, byte[] value) {
    secret(name + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(value));
    secret(name + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(value));
    secret(name + " (hex)", HexFormat.of().formatHex(value));
    return this;
  }

  /**
   * Scans a value now: its {@code toString()}, and for a throwable its full stack trace with
   * every cause and suppressed exception.
   *
   * @param where what the value is, for the failure message
   * @param value the value; null is fine
   * @return this scanner
   */
  public SecretScanner check(String where, Object value) {
    checked++;
    scan(where, text(value));
    return this;
  }

  /** @return how many values {@link #check} scanned, so a test can show it scanned something */
  public int checkedCount() {
    return checked;
  }

  /** @return the captured output so far, to assert that the logging under test did run */
  public String capturedOutput() {
    synchronized (captured) {
      return captured.toString(StandardCharsets.UTF_8);
    }
  }

  /**
   * Restores the streams and logging, scans the captured output, and fails if any secret was
   * seen anywhere.
   *
   * @throws AssertionError naming each secret and where it appeared
   */
  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    System.setOut(originalOut);
    System.setErr(originalErr);
    julRoot.removeHandler(julHandler);
    julRoot.setLevel(julLevel);
    scan("captured output (System.out, System.err, java.util.logging)", capturedOutput());
    if (!findings.isEmpty()) {
      throw new AssertionError("secrets leaked:\n  " + String.join("\n  ", findings));
    }
  }

  private void scan(String where, String text) {
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      if (text.contains(secret.getValue())) {
        findings.add(secret.getKey() + " in " + where);
      }
    }
  }

  private static String text(Object value) {
    if (value instanceof Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      return trace.toString();
    }
    return String.valueOf(value);
  }

  private OutputStream tee(PrintStream original) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (captured) {
          captured.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (captured) {
          captured.write(b, off, len);
        }
      }
    };
  }
}

package dev.herald.webpush;

import dev.herald.internal.Checks;
import dev.herald.webpush.internal.WebPushEncryption;

/**
 * How much zero padding to add inside the encrypted record (RFC 8188 §2), so that the size of the
 * ciphertext reveals less about the notification. Padding counts against the 3993-byte plaintext
 * budget: it is trimmed to fit and never makes a message that fits too large.
 *
 * <p>Immutable.
 */
public final class Padding {
  private static final Padding NONE = new Padding(1);

  private final int blockBytes;

  private Padding(int blockBytes) {
    this.blockBytes = blockBytes;
  }

  /**
   * No padding: the default; the body is as small as possible.
   *
   * @return no padding
   */
  public static Padding none() {
    return NONE;
  }

  /**
   * Pads the plaintext up to the next multiple of {@code blockBytes}, so that all payloads within a
   * block look the same size. For example, 256 makes a 120-byte and a 250-byte payload both 256.
   *
   * @param blockBytes the block, 1 (no padding) to 3993 bytes
   * @return the padding rule
   */
  public static Padding toMultipleOf(int blockBytes) {
    Checks.range(blockBytes, "padding.blockBytes", 1, WebPushEncryption.MAX_PLAINTEXT_BYTES);
    return blockBytes == 1 ? NONE : new Padding(blockBytes);
  }

  /**
   * Pads every payload to the largest size, so that no two messages differ in size.
   *
   * @return the padding rule
   */
  public static Padding toMaximum() {
    return new Padding(WebPushEncryption.MAX_PLAINTEXT_BYTES);
  }

  /**
   * The zero bytes to add after a plaintext of the given length.
   *
   * @param plaintextBytes the plaintext length, at most 3993
   * @return the padding length, never taking the total above 3993
   */
  public int paddingFor(int plaintextBytes) {
    int blocks = (plaintextBytes + blockBytes - 1) / blockBytes;
    int padded = Math.max(blocks, 1) * blockBytes;
    return Math.max(0, Math.min(padded, WebPushEncryption.MAX_PLAINTEXT_BYTES) - plaintextBytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Padding other && other.blockBytes == blockBytes;
  }

  @Override
  public int hashCode() {
    return blockBytes;
  }

  @Override
  public String toString() {
    return blockBytes == 1 ? "Padding.none()" : "Padding.toMultipleOf(" + blockBytes + ")";
  }
}

package dev.herald.segmentation;

import dev.herald.segmentation.internal.ColumnStore;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable, columnar snapshot of every player's attributes, for bulk evaluation: counting an
 * audience and streaming its members. Built once (from the player directory, by
 * {@link Segmentation}, or by hand with {@link #builder}), then shared by any number of
 * {@link CompiledSegment} queries and threads.
 *
 * <p>The layout keeps memory bounded: one primitive array per attribute (a {@code double[]} for
 * numbers, a {@code long[]} of milliseconds for timestamps, bitmaps for booleans, one bitmap per
 * value for strings with few distinct values (countries, languages) and dictionary codes for the
 * others, posting lists for sets), a presence bitmap per attribute, and the player ids as UTF-8
 * bytes in a single array — no object per player. An attribute that no player has takes no
 * memory. A million players with every attribute of the casino catalogue take about 80 MB.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public final class PlayerIndex {
  private final ColumnStore store;
  private final Instant builtAt;

  private PlayerIndex(ColumnStore store, Instant builtAt) {
    this.store = store;
    this.builtAt = builtAt;
  }

  /**
   * Starts an index. Players must be added in strictly ascending id order
   * ({@link String#compareTo}), the order {@link dev.herald.spi.PlayerDirectory#all()} streams
   * them in.
   *
   * @param catalogue the attributes to index; queries must use the same catalogue
   * @return a builder
   */
  public static Builder builder(AttributeCatalogue catalogue) {
    return new Builder(catalogue);
  }

  /** @return the number of players */
  public int size() {
    return store.size();
  }

  /** @return the catalogue whose attributes are indexed */
  public AttributeCatalogue catalogue() {
    return store.catalogue();
  }

  /** @return when the snapshot was taken, as given to {@link Builder#build(Instant)} */
  public Instant builtAt() {
    return builtAt;
  }

  /**
   * Values that were present but of a Java type that does not fit their attribute's type (a
   * string where a number is declared, say). They are treated as missing; a non-empty answer
   * usually means the host's profiles and the catalogue disagree.
   *
   * @return attribute name to how many values were ignored, only attributes with some
   */
  public Map<String, Long> ignoredValues() {
    return store.ignoredValues();
  }

  /** @return an estimate of the heap the index takes, in bytes */
  public long estimatedBytes() {
    return store.estimatedBytes();
  }

  ColumnStore store() {
    return store;
  }

  @Override
  public String toString() {
    return "PlayerIndex{" + size() + " players, built " + builtAt + ", ~"
        + estimatedBytes() / (1024 * 1024) + " MiB}";
  }

  /** Appends players in ascending id order, then {@link #build}s. Not thread-safe. */
  public static final class Builder {
    private final ColumnStore.Builder columns;

    private Builder(AttributeCatalogue catalogue) {
      this.columns = ColumnStore.builder(Objects.requireNonNull(catalogue, "catalogue"));
    }

    /**
     * Appends one player.
     *
     * @param playerId the id, greater than every id added before
     * @param attributes the player's values
     * @return this builder
     * @throws IllegalArgumentException when the id is not greater than the previous one
     */
    public Builder add(String playerId, PlayerAttributes attributes) {
      Objects.requireNonNull(playerId, "playerId");
      Objects.requireNonNull(attributes, "attributes");
      columns.add(playerId, attributes);
      return this;
    }

    /** @return how many players were added */
    public int size() {
      return columns.size();
    }

    /**
     * Freezes the index; the builder must not be used afterwards.
     *
     * @param builtAt when the data was read, reported by {@link PlayerIndex#builtAt()}
     * @return the index
     */
    public PlayerIndex build(Instant builtAt) {
      return new PlayerIndex(columns.build(), Objects.requireNonNull(builtAt, "builtAt"));
    }
  }
}

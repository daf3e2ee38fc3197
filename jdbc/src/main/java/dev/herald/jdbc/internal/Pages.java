package dev.herald.jdbc.internal;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams rows page by page with keyset pagination ({@code WHERE (k) > (cursor) ORDER BY k LIMIT
 * n}): each page is one short query on its own connection, so a stream consumed for minutes holds
 * no connection and no transaction between pages, and each page is an index range scan however
 * deep the stream goes (where {@code OFFSET} would rescan what it skips).
 */
public final class Pages {
  /** Rows per page: large enough that round trips do not dominate, small enough for the heap. */
  public static final int PAGE_SIZE = 1000;

  private Pages() {}

  /** Reads one page after a cursor. */
  @FunctionalInterface
  public interface PageReader<T, C> {
    /**
     * @param after the cursor of the last row read, or null for the first page
     * @param limit at most this many rows
     * @return the rows, in key order
     */
    List<T> page(C after, int limit);
  }

  /**
   * A lazy stream over every page.
   *
   * @param reader reads a page
   * @param cursorOf the cursor of a row (its key)
   * @param <T> the row type
   * @param <C> the cursor type
   * @return the rows, in key order
   */
  public static <T, C> Stream<T> stream(PageReader<T, C> reader, Function<T, C> cursorOf) {
    return stream(reader, cursorOf, PAGE_SIZE);
  }

  /**
   * A lazy stream over every page, with a page size.
   *
   * @param reader reads a page
   * @param cursorOf the cursor of a row (its key)
   * @param pageSize rows per page
   * @param <T> the row type
   * @param <C> the cursor type
   * @return the rows, in key order
   */
  public static <T, C> Stream<T> stream(
      PageReader<T, C> reader, Function<T, C> cursorOf, int pageSize) {
    Iterator<T> rows = new Iterator<>() {
      private List<T> page;
      private int index;
      private C cursor;
      private boolean last;

      @Override
      public boolean hasNext() {
        while (page == null || index >= page.size()) {
          if (last) {
            return false;
          }
          page = reader.page(cursor, pageSize);
          index = 0;
          last = page.size() < pageSize;
          if (!page.isEmpty()) {
            cursor = cursorOf.apply(page.get(page.size() - 1));
          }
        }
        return true;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(index++);
      }
    };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}

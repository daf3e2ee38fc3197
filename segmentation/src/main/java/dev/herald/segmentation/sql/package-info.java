/**
 * Segments evaluated inside PostgreSQL: a segment rule compiled into a parameterised
 * {@code WHERE} clause over a player table or view the host describes ({@link
 * dev.herald.segmentation.sql.PlayerTable}), counted and streamed page by page over a host
 * {@link javax.sql.DataSource} ({@link dev.herald.segmentation.sql.SqlAudience}), so that no
 * player set is held in memory. The members are exactly those the in-memory
 * {@link dev.herald.segmentation.PlayerIndex} selects from the same values. See
 * {@code docs/segments-sql.md}.
 *
 * <p>Only {@code java.sql} is used here: the host brings the JDBC driver.
 *
 * <p><b>Beta.</b> May change in incompatible ways before Herald 1.0.
 */
package dev.herald.segmentation.sql;

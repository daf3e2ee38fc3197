/**
 * Herald's stores on PostgreSQL 13 or later, over a {@link javax.sql.DataSource} the host
 * supplies, and the schema they need ({@link dev.herald.jdbc.HeraldSchema}).
 */
package dev.herald.jdbc;

-- Herald's schema, version 7: what a delivery costs PostgreSQL to write (docs/storage.md).

-- Room on each page of herald_delivery for the new versions of its rows. A delivery is written
-- three times: the claim inserts it, the SENDING mark and the provider's answer update it
-- (state, outcome, attempts; never an indexed column). An update
-- whose new row version fits on the row's page is a heap-only tuple (HOT): no index entry is
-- written for it, where otherwise each of the table's indexes gets one. A page filled to half
-- by claims keeps the other half for the marks of the same batch; by the answers, the claimed
-- versions are dead and pruned, and their room is reused. Pages written before this migration
-- keep their fill until rewritten.
ALTER TABLE herald_delivery SET (fillfactor = 50);

-- Retention finds old rows by time; rows are appended roughly in time order, so a BRIN index
-- (a few bytes per 128 pages, each range summarised by autovacuum once filled) finds them,
-- where a b-tree took an entry and its upkeep on every insert.
DROP INDEX herald_delivery_created;
CREATE INDEX herald_delivery_created ON herald_delivery USING brin (created_at)
  WITH (autosummarize = on);
DROP INDEX herald_delivery_event_at;
CREATE INDEX herald_delivery_event_at ON herald_delivery_event USING brin (at)
  WITH (autosummarize = on);

-- A source's and a step's deliveries are read as a range of the primary key (every key of a
-- step begins with its source and step), so the index on (source_id, step, key), the most
-- costly of the table's on every claim, goes.
DROP INDEX herald_delivery_step;

UPDATE herald_schema_version SET version = 7;

-- Herald's schema, version 7: room on each page of herald_delivery for the new versions of its
-- rows. A delivery is written three times: the claim inserts it, the SENDING mark and the
-- provider's answer update it (state, outcome, attempts; never an indexed column). An update
-- whose new row version fits on the row's page is a heap-only tuple (HOT): no index entry is
-- written for it, where otherwise each of the table's indexes gets one. A page filled to half
-- by claims keeps the other half for the marks of the same batch; by the answers, the claimed
-- versions are dead and pruned, and their room is reused. Pages written before this migration
-- keep their fill until rewritten.
ALTER TABLE herald_delivery SET (fillfactor = 50);

UPDATE herald_schema_version SET version = 7;

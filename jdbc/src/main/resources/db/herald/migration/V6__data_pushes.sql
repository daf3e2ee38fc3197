-- Data pushes (issue 19): a custom notification type may be left out of the caps it shares with
-- other types (NotificationType.withoutSharedCaps()); a delivery keeps that, so that a live-odds
-- push recorded yesterday is not counted against today's marketing cap.
ALTER TABLE herald_delivery ADD COLUMN type_shared_caps boolean NOT NULL DEFAULT true;
UPDATE herald_schema_version SET version = 6;

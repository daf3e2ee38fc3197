-- Herald's schema, version 2: brands. A brand is a site or app of the operator with credentials
-- of its own; each device belongs to one, and each delivery records the brand it went to.
-- Rows written before brands belong to the default brand, which every single-brand program uses.

ALTER TABLE herald_device ADD COLUMN brand text NOT NULL DEFAULT 'default';

-- A delivery of a device carries the device's brand; a player-level record (no device) carries
-- the brand its dispatch targeted, or none when it targeted every brand.
ALTER TABLE herald_delivery ADD COLUMN brand text;
UPDATE herald_delivery SET brand = 'default' WHERE device_id IS NOT NULL;

UPDATE herald_schema_version SET version = 2;

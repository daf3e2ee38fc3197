-- Herald's schema, version 1. PostgreSQL 13 or later.
-- Every identifier column that is ordered or compared with Java strings is COLLATE "C", so that
-- ORDER BY and keyset pagination (WHERE key > ?) follow byte order, whatever the database's
-- default collation, and the b-tree indexes serve those queries. docs/storage.md explains each
-- table and index.

-- The version the stores check on start; every later migration updates it.
CREATE TABLE herald_schema_version (
  version integer NOT NULL
);
INSERT INTO herald_schema_version (version) VALUES (1);

-- Subscriptions ---------------------------------------------------------------------------------

CREATE TABLE herald_device (
  player_id          text COLLATE "C" NOT NULL,
  device_id          text COLLATE "C" NOT NULL,
  platform           text NOT NULL,
  status             text NOT NULL,
  -- the address, by platform: the FCM token, the APNs device token, or the Web Push endpoint
  address            text,
  webpush_p256dh     bytea,
  webpush_auth       bytea,
  apns_topic         text,
  apns_environment   text,
  address_epoch      bigint NOT NULL,
  address_since      timestamptz,
  invalidation_reason      text,
  invalidation_at          timestamptz,
  invalidation_address_key text,
  created_at         timestamptz NOT NULL,
  status_changed_at  timestamptz NOT NULL,
  last_seen_at       timestamptz NOT NULL,
  version            bigint NOT NULL,
  PRIMARY KEY (player_id, device_id)
);

CREATE TABLE herald_status_change (
  seq         bigserial PRIMARY KEY,
  player_id   text COLLATE "C" NOT NULL,
  device_id   text COLLATE "C" NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  reason      text NOT NULL,
  at          timestamptz NOT NULL,
  detail      text NOT NULL
);
CREATE INDEX herald_status_change_device ON herald_status_change (player_id, device_id, seq);

CREATE TABLE herald_address_owner (
  address_key text COLLATE "C" PRIMARY KEY,
  player_id   text COLLATE "C" NOT NULL,
  device_id   text COLLATE "C" NOT NULL,
  epoch       bigint NOT NULL
);
CREATE INDEX herald_address_owner_player ON herald_address_owner (player_id);

CREATE TABLE herald_preferences (
  player_id         text COLLATE "C" PRIMARY KEY,
  marketing_consent boolean NOT NULL,
  categories        text[] NOT NULL,
  updated_at        timestamptz NOT NULL
);

-- Deliveries ------------------------------------------------------------------------------------

CREATE TABLE herald_delivery (
  key              text COLLATE "C" PRIMARY KEY,
  delivery_id      text COLLATE "C" NOT NULL UNIQUE,
  source_id        text COLLATE "C" NOT NULL,
  step             text COLLATE "C" NOT NULL,
  player_id        text COLLATE "C" NOT NULL,
  device_id        text,
  platform         text,
  variant          text NOT NULL,
  type             text NOT NULL,
  -- a custom notification type is rebuilt from these two; a built-in one from its name
  type_purpose     text NOT NULL,
  type_category    text NOT NULL,
  category         text NOT NULL,
  state            text NOT NULL,
  reason           text NOT NULL,
  detail           text NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  attempts         integer NOT NULL,
  http_status      integer NOT NULL,
  message_id       text,
  clicked_at       timestamptz,
  conversions      integer NOT NULL,
  conversion_value numeric NOT NULL
);
CREATE INDEX herald_delivery_step ON herald_delivery (source_id, step, key);
CREATE INDEX herald_delivery_player ON herald_delivery (player_id, created_at);
CREATE INDEX herald_delivery_clicked ON herald_delivery (player_id, clicked_at)
  WHERE clicked_at IS NOT NULL;
CREATE INDEX herald_delivery_created ON herald_delivery (created_at);

CREATE TABLE herald_delivery_event (
  seq         bigserial PRIMARY KEY,
  type        text NOT NULL,
  at          timestamptz NOT NULL,
  source_id   text COLLATE "C" NOT NULL,
  step        text NOT NULL,
  delivery_id text,
  player_id   text COLLATE "C",
  device_id   text,
  platform    text,
  variant     text,
  reason      text NOT NULL,
  detail      text NOT NULL,
  http_status integer NOT NULL,
  value       numeric
);
CREATE INDEX herald_delivery_event_source ON herald_delivery_event (source_id, at, seq);
CREATE INDEX herald_delivery_event_player ON herald_delivery_event (player_id, at, seq)
  WHERE player_id IS NOT NULL;
CREATE INDEX herald_delivery_event_at ON herald_delivery_event (at);

CREATE TABLE herald_dispatch_progress (
  source_id    text COLLATE "C" NOT NULL,
  step         text COLLATE "C" NOT NULL,
  started_at   timestamptz NOT NULL,
  cursor       text,
  completed_at timestamptz,
  PRIMARY KEY (source_id, step)
);

-- Campaigns -------------------------------------------------------------------------------------

CREATE TABLE herald_campaign (
  id           text COLLATE "C" PRIMARY KEY,
  state        text NOT NULL,
  definition   text NOT NULL,
  version      bigint NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  current_step text,
  next_run_at  timestamptz
);

-- Triggers --------------------------------------------------------------------------------------

CREATE TABLE herald_pending_trigger (
  id           text COLLATE "C" PRIMARY KEY,
  rule_id      text NOT NULL,
  player_id    text COLLATE "C" NOT NULL,
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  triggered_at timestamptz NOT NULL,
  send_at      timestamptz NOT NULL,
  "values"     jsonb NOT NULL
);
CREATE INDEX herald_pending_trigger_player ON herald_pending_trigger (player_id);

CREATE TABLE herald_trigger_entry (
  player_id text COLLATE "C" NOT NULL,
  rule_id   text COLLATE "C" NOT NULL,
  at        timestamptz NOT NULL,
  PRIMARY KEY (player_id, rule_id)
);

CREATE TABLE herald_player_activity (
  player_id  text COLLATE "C" NOT NULL,
  event_type text COLLATE "C" NOT NULL,
  at         timestamptz NOT NULL,
  PRIMARY KEY (player_id, event_type)
);

-- Segments (herald-segmentation) ----------------------------------------------------------------

CREATE TABLE herald_segment (
  id          text COLLATE "C" PRIMARY KEY,
  description text NOT NULL,
  rules       text NOT NULL,
  updated_at  timestamptz NOT NULL
);

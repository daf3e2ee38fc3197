-- Herald schema version 6: one campaign run shared by several nodes (JdbcAudienceChunks). The
-- run's audience is cut once into chunks (ranges of player ids); a node claims a chunk with
-- SELECT ... FOR UPDATE SKIP LOCKED and takes its lease in herald_lease (lease_name) in the same
-- transaction, sends it under that lease (fenced writes), and marks it done. The run is finished
-- once, by the node that finds every chunk done (herald_chunk_plan.finished).

CREATE TABLE herald_chunk_plan (
  source_id  text COLLATE "C" NOT NULL,
  step       text COLLATE "C" NOT NULL,
  chunks     integer NOT NULL,
  planned_at timestamptz NOT NULL DEFAULT now(),
  finished   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (source_id, step)
);

CREATE TABLE herald_chunk (
  source_id  text COLLATE "C" NOT NULL,
  step       text COLLATE "C" NOT NULL,
  idx        integer NOT NULL,
  after_id   text COLLATE "C",
  up_to_id   text COLLATE "C",
  lease_name text COLLATE "C" NOT NULL,
  done       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (source_id, step, idx)
);

UPDATE herald_schema_version SET version = 6;

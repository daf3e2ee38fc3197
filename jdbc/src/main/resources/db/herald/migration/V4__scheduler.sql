-- db-scheduler's table (com.github.kagkarlsson:db-scheduler, its PostgreSQL DDL): the task
-- instances of JdbcScheduler. Herald's tasks are one-time instances of the task "herald" whose id
-- names what fires ("campaign-start:promo42@2026-12-07T09:00:00Z"); a picked row with a stale
-- heartbeat is a dead node's execution, which another node runs again.
CREATE TABLE scheduled_tasks (
  task_name text NOT NULL,
  task_instance text NOT NULL,
  task_data bytea,
  execution_time timestamp with time zone NOT NULL,
  picked boolean NOT NULL,
  picked_by text,
  last_success timestamp with time zone,
  last_failure timestamp with time zone,
  consecutive_failures int,
  last_heartbeat timestamp with time zone,
  version bigint NOT NULL,
  priority smallint,
  PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX scheduled_tasks_execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX scheduled_tasks_priority_execution_time_idx
  ON scheduled_tasks (priority DESC, execution_time ASC);

-- The live nodes, for rate budgets split across them: each JdbcScheduler upserts its row every
-- heartbeat and deletes it when stopped; a row whose heartbeat is older than 4 intervals is dead.
CREATE TABLE herald_node (
  name text PRIMARY KEY,
  heartbeat_at timestamp with time zone NOT NULL
);

UPDATE herald_schema_version SET version = 4;

-- Herald schema version 3: leases of dispatch steps, for several Herald nodes on one database
-- (JdbcLeases). A node holds a step's lease while it runs the step and renews it by heartbeat;
-- the token rises with every new owner, and JdbcDeliveryStore's fenced writes check it in their
-- own transaction (SELECT ... FOR SHARE), so a node that lost the lease writes nothing more.

CREATE TABLE herald_lease (
  name       text COLLATE "C" PRIMARY KEY,
  owner      text NOT NULL,
  token      bigint NOT NULL,
  expires_at timestamptz NOT NULL
);

UPDATE herald_schema_version SET version = 3;

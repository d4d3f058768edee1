-- 0007-devices.sql
--
-- Terminals registered for sync (DESIGN.md "Sync protocol"; ops.md §1.11:
-- not business data, never in an op, never replicated).  A terminal's
-- token is a credential_token of the user who registered it; registering
-- the same code again revokes the old token and binds a new one.
CREATE TABLE device (
  code          TEXT PRIMARY KEY,
  token_id      INTEGER NOT NULL UNIQUE REFERENCES credential_token (id),
  user_id       INTEGER NOT NULL REFERENCES user (id),
  registered_at INTEGER NOT NULL       -- µs since the epoch
) STRICT;

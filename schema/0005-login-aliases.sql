-- 0005-login-aliases.sql
--
-- Extra names a user may log in with (D-S2: the scenario students of the
-- demo keep their seed_* usernames although their username is their
-- student number).  A credential, not business data: no op carries it.

CREATE TABLE credential_alias (
  alias   TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES user (id)
) STRICT;

CREATE INDEX credential_alias_user ON credential_alias (user_id);

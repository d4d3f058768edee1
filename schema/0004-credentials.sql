-- 0004-credentials.sql
--
-- Credentials (ops.md §1.11): not business data, so no op carries them and
-- a rebuild does not compare them.  A password verifier is libsodium's
-- crypto_pwhash_str (Argon2id, interactive limits).  An API token is 256
-- random bits handed out once; only its SHA-256 (lower-case hex) is kept.

CREATE TABLE credential_password (
  user_id    INTEGER PRIMARY KEY REFERENCES user (id),
  verifier   TEXT NOT NULL,
  set_at     INTEGER NOT NULL           -- µs since the epoch
) STRICT;

CREATE TABLE credential_token (
  id         INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,      -- sha256 hex of the token text
  user_id    INTEGER NOT NULL REFERENCES user (id),
  created_at INTEGER NOT NULL,          -- µs since the epoch
  revoked    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX credential_token_user ON credential_token (user_id);

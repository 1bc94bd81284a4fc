-- Accounts, sessions and personal API tokens.

CREATE TABLE users (
    id                  bigserial   PRIMARY KEY,
    username            text        NOT NULL,
    email               text,
    display_name        text,
    role                text        NOT NULL CHECK (role IN ('admin', 'user', 'viewer')),
    source              text        NOT NULL CHECK (source IN ('local', 'sso')),
    -- Argon2id in PHC string format; NULL for accounts that cannot sign in with a password.
    password_hash       text,
    disabled            boolean     NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    last_seen_at        timestamptz,
    password_changed_at timestamptz
);
-- Usernames are unique without regard to case: "Alice" and "alice" are one account.
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
    id           bigserial   PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    client_ip    text        NOT NULL,
    user_agent   text        NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           bigserial   PRIMARY KEY,
    token_hash   bytea       NOT NULL UNIQUE,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    -- The first characters of the token, shown in lists so that its owner can tell tokens apart.
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- What the updater agent reports over the admin socket, and what operators ask of it.

-- Update history: one row per event the agent reports. The agent chooses event_id, so a
-- report delivered twice (queued while the server restarted) is stored once.
CREATE TABLE update_events (
    id           bigserial   PRIMARY KEY,
    event_id     text        NOT NULL UNIQUE,
    at           timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    kind         text        NOT NULL,
    from_version text,
    to_version   text,
    code         text,
    message      text        NOT NULL
);

-- The agent's latest status report: a single row, replaced on every report.
CREATE TABLE update_status (
    singleton   boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    status      jsonb       NOT NULL,
    received_at timestamptz NOT NULL
);

-- Operator commands queued for the agent. The agent long-polls for queued ones; a command
-- handed out is leased, and handed out again if the lease runs out without a result.
CREATE TABLE update_commands (
    id            bigserial   PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('CHECK_NOW', 'APPLY', 'APPROVE', 'ROLLBACK')),
    version       text,
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL,
    state         text        NOT NULL CHECK (state IN ('queued', 'delivered', 'succeeded', 'failed')),
    delivered_at  timestamptz,
    deliveries    integer     NOT NULL DEFAULT 0,
    completed_at  timestamptz,
    result        text
);
CREATE INDEX update_commands_open ON update_commands (id) WHERE state IN ('queued', 'delivered');

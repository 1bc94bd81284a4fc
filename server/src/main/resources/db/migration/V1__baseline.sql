-- Baseline: marks a database as Hivemind's. Users, sessions, the audit log and the
-- update history arrive in later migrations, with the features that use them.
CREATE TABLE schema_notes (
    version    text        PRIMARY KEY,
    note       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO schema_notes (version, note) VALUES ('1', 'baseline');

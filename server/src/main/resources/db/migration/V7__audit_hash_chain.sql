-- A hash chain over the audit log (issue 12): each row holds the SHA-256 of the previous row's
-- hash and its own canonical content, so a row changed, removed or added out of turn is found by
-- `hivemind-server audit verify` (audit.AuditChain computes the same hash independently of the
-- functions below). The chain detects; it does not prevent: whoever can rewrite rows and every
-- later hash defeats it, unless a hash printed earlier was kept elsewhere (docs/operators.md).
--
-- Canonical content of a row: id, at, actor, action, outcome, client_ip, user_agent, target,
-- details, in this order, each as one byte 0 for NULL, or one byte 1, the length in bytes of the
-- UTF-8 text as a 4-byte big-endian integer, and that text. id is in decimal; at in UTC as
-- YYYY-MM-DDTHH:MM:SS.ffffffZ; details as PostgreSQL prints the jsonb value. The first row chains
-- from 32 zero bytes.

-- The chain head: the last row's id and hash. Locked by every insert, so inserts chain one at a
-- time; and it tells a log that lost its last rows from one that never had them.
CREATE TABLE audit_chain (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id   bigint  NOT NULL,
    last_hash bytea   NOT NULL CHECK (octet_length(last_hash) = 32)
);

ALTER TABLE audit_log ADD COLUMN hash bytea CHECK (octet_length(hash) = 32);

CREATE FUNCTION audit_log_field(value text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN '\x00'::bytea
                ELSE '\x01'::bytea || int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8')
           END
$$;

CREATE FUNCTION audit_log_content(entry audit_log) RETURNS bytea LANGUAGE sql STABLE AS $$
    SELECT audit_log_field(entry.id::text)
        || audit_log_field(to_char(entry.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || audit_log_field(entry.actor)
        || audit_log_field(entry.action)
        || audit_log_field(entry.outcome)
        || audit_log_field(entry.client_ip)
        || audit_log_field(entry.user_agent)
        || audit_log_field(entry.target)
        || audit_log_field(entry.details::text)
$$;

-- Chains every inserted row, whoever inserts it. The head row stays locked until the inserting
-- transaction ends, so a second insert waits and chains after the first has committed (or rolled
-- back); the id is taken under that lock too, so ids ascend in chain order and a reader never
-- sees a row appear behind one it has already seen.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous bytea;
BEGIN
    SELECT last_hash INTO previous FROM audit_chain WHERE singleton FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit_log cannot be appended to: its chain head (audit_chain) is missing';
    END IF;
    NEW.id := nextval('audit_log_id_seq');
    NEW.hash := sha256(previous || audit_log_content(NEW));
    UPDATE audit_chain SET last_id = NEW.id, last_hash = NEW.hash WHERE singleton;
    RETURN NEW;
END;
$$;

-- Existing rows are chained once, in id order: the only UPDATE of audit_log there ever is.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete;
DO $$
DECLARE
    entry    audit_log;
    previous bytea  := decode(repeat('00', 32), 'hex');
    last     bigint := 0;
BEGIN
    FOR entry IN SELECT * FROM audit_log ORDER BY id LOOP
        previous := sha256(previous || audit_log_content(entry));
        UPDATE audit_log SET hash = previous WHERE id = entry.id;
        last := entry.id;
    END LOOP;
    INSERT INTO audit_chain (last_id, last_hash) VALUES (last, previous);
END;
$$;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete;

ALTER TABLE audit_log ALTER COLUMN hash SET NOT NULL;
-- The trigger assigns ids (see above); an id given in an INSERT is replaced.
ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;
CREATE TRIGGER audit_log_chain
    BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_chain;

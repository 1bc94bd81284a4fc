-- The append-only triggers of V3 fire in every session (issue 12). An ordinary trigger does not
-- fire in a session with session_replication_role = replica, which any superuser may set (and,
-- from PostgreSQL 15, a role granted SET on that parameter): such a session could UPDATE or
-- DELETE audit rows without a schema change. ENABLE ALWAYS makes them fire in replica mode too.
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete;
ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate;

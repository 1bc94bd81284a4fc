package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;

import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * An admin's request to the updater agent, queued: {@code check_now}, {@code apply} (optionally
 * naming the version), {@code approve} (naming the version approved, so that an approval cannot
 * install a release that arrived in between) and {@code rollback}. One place for the API and the
 * dashboard's buttons: the same checks, the same audit entry ({@code update.command_queued}), and
 * the agent's long poll woken once the command is committed.
 */
public final class UpdateCommands {

    private final DbClient db;
    private final UpdateStore store;
    private final CommandQueue queue;
    private final AuditLog audit;
    private final Clock clock;

    public UpdateCommands(DbClient db, UpdateStore store, CommandQueue queue, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Queues the command, or returns the identical one still waiting to be handed out
     * ({@link UpdateStore.Queued#created()} false): clicking twice queues one.
     *
     * @throws ApiException {@code invalid_field} for an unknown kind or a version that is missing,
     *                      not allowed or not a semantic version
     */
    public UpdateStore.Queued queue(RequestInfo info, String admin, String kindText, Optional<String> versionText) {
        OperatorCommand.Kind kind = kind(kindText);
        Optional<String> version = version(kind, versionText);
        UpdateStore.Queued queued = Sql.inTransaction(db, tx -> {
            UpdateStore.Queued q = store.enqueue(tx, kind, version, admin, clock.instant());
            if (q.created()) {
                AuditEvent event = AuditEvent.of(info, admin, "update.command_queued", AuditEvent.Outcome.SUCCESS)
                        .target("command " + q.command().id()).detail("kind", q.command().kind());
                audit.record(tx, version.map(v -> event.detail("version", v)).orElse(event));
            }
            return q;
        });
        if (queued.created()) {
            queue.signal();
        }
        return queued;
    }

    private static OperatorCommand.Kind kind(String text) {
        if (text == null) {
            throw ApiException.invalidField("kind", "is required: check_now, apply, approve or rollback");
        }
        try {
            return OperatorCommand.Kind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("kind", "must be check_now, apply, approve or rollback");
        }
    }

    private static Optional<String> version(OperatorCommand.Kind kind, Optional<String> version) {
        if (version.isPresent()) {
            if (kind != OperatorCommand.Kind.APPLY && kind != OperatorCommand.Kind.APPROVE) {
                throw ApiException.invalidField("version", "only apply and approve take a version");
            }
            try {
                SemanticVersion.parse(version.get());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidField("version", "is not a semantic version such as 0.1.7");
            }
        } else if (kind == OperatorCommand.Kind.APPROVE) {
            throw ApiException.invalidField("version", "is required for approve: the release being approved");
        }
        return version;
    }
}

package com.seglamater.hivemind.server.db;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The few conversions the Helidon DB client leaves to us: it reads {@code timestamptz} as
 * {@link Timestamp} and has no mapper to {@link Instant}, and the PostgreSQL driver binds
 * {@link OffsetDateTime} but not {@code Instant}. Queries use indexed {@code ?} parameters:
 * the named-parameter parser takes PostgreSQL's {@code ::type} casts for parameters.
 */
public final class Sql {

    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {
    }

    public static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(DbRow row, String column) {
        return row.column(column).get(Timestamp.class).toInstant();
    }

    public static Optional<Instant> optionalInstant(DbRow row, String column) {
        return Optional.ofNullable(row.column(column).get(Timestamp.class)).map(Timestamp::toInstant);
    }

    public static Optional<String> optionalString(DbRow row, String column) {
        return Optional.ofNullable(row.column(column).get(String.class));
    }

    public static String string(DbRow row, String column) {
        return row.column(column).get(String.class);
    }

    public static long number(DbRow row, String column) {
        return row.column(column).get(Number.class).longValue();
    }

    /** Escapes LIKE's wildcards and its escape character, for a pattern used with {@code ESCAPE '\\'}. */
    public static String likeEscape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /**
     * Counts this process's writes: every transaction moves it when it begins and again when it
     * ends, and so does a write outside one that says so ({@link #changed()}). A cache of rows
     * remembers the count it read them at and trusts them only while the count is unchanged: a
     * read that overlapped a write, or came before one, is never served again.
     */
    private static final AtomicLong WRITES = new AtomicLong();

    /** The current count of writes (see {@link #WRITES}). */
    public static long writes() {
        return WRITES.get();
    }

    /** A write outside {@link #inTransaction} (an autocommitted statement) has happened. */
    public static void changed() {
        WRITES.incrementAndGet();
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public static <T> T inTransaction(DbClient db, Function<DbTransaction, T> work) {
        WRITES.incrementAndGet();
        try {
            DbTransaction tx = db.transaction();
            T result;
            try {
                result = work.apply(tx);
            } catch (RuntimeException | Error e) {
                try {
                    tx.rollback();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            tx.commit();
            return result;
        } finally {
            WRITES.incrementAndGet();
        }
    }

    /** True when {@code failure} was caused by a unique constraint (a duplicate key). */
    public static boolean uniqueViolation(Throwable failure) {
        return sqlState(failure).filter(UNIQUE_VIOLATION::equals).isPresent();
    }

    /**
     * True when the database gave up on {@code failure}'s transaction because of a concurrent
     * one (a deadlock, or a serialization failure): trying again is the remedy.
     */
    public static boolean conflict(Throwable failure) {
        return sqlState(failure).filter(state -> state.equals("40P01") || state.equals("40001")).isPresent();
    }

    /**
     * True when {@code failure} means the database cannot be reached right now (no connection
     * within the pool's timeout, connection lost, server shutting down), as opposed to a bug.
     */
    public static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return sqlState(failure).filter(state -> state.startsWith("08") || state.startsWith("57P")
                || state.equals("53300")).isPresent();
    }

    private static Optional<String> sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return Optional.of(sql.getSQLState());
            }
        }
        return Optional.empty();
    }
}

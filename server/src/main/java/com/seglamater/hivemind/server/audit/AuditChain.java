package com.seglamater.hivemind.server.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain over {@code audit_log} (migration V7), computed here independently of the
 * database's own functions, so that whoever can change the schema cannot also change what a
 * verification expects. Each row's hash is SHA-256 of the previous row's hash (32 zero bytes
 * before the first row) followed by the row's canonical content: id, at, actor, action,
 * outcome, client_ip, user_agent, target and details, each as byte 0 for NULL or byte 1, the
 * length of its UTF-8 text as a 4-byte big-endian integer, and that text; id in decimal, at in
 * UTC with microseconds ({@code 2026-11-24T08:00:00.000000Z}), details as PostgreSQL prints the
 * jsonb value.
 * <p>
 * {@link Walk} checks rows in id order (the trigger takes ids under the chain's lock, so id
 * order is chain order) against the chain head and, optionally, a head recorded earlier.
 */
public final class AuditChain {

    public static final int HASH_BYTES = 32;
    static final byte[] GENESIS = new byte[HASH_BYTES];
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AuditChain() {
    }

    /**
     * A stored row as the chain sees it: every column, {@code details} as PostgreSQL's jsonb text.
     * Columns the schema makes NOT NULL may still be null here: whoever changed the schema may
     * have stored one, and the hash then tells.
     */
    public record Link(long id, Instant at, String actor, String action, String outcome, Optional<String> clientIp,
                       Optional<String> userAgent, Optional<String> target, String details, byte[] hash) {
    }

    /** The chain head row ({@code audit_chain}): the last row's id and hash, 0 and zeros for an empty log. */
    public record Head(long lastId, byte[] lastHash) {
    }

    /** A head printed by an earlier verification and kept elsewhere: {@code ID:HEX}. */
    public record Recorded(long id, byte[] hash) {

        public static Optional<Recorded> parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 1 || !text.substring(0, colon).matches("[1-9][0-9]{0,18}")
                    || !text.substring(colon + 1).matches("[0-9a-fA-F]{" + 2 * HASH_BYTES + "}")) {
                return Optional.empty();
            }
            return Optional.of(new Recorded(Long.parseLong(text.substring(0, colon)),
                    HexFormat.of().parseHex(text.substring(colon + 1))));
        }

        @Override
        public String toString() {
            return id + ":" + HexFormat.of().formatHex(hash);
        }
    }

    /** What a verification found. */
    public sealed interface Verification {
    }

    /** Every row chains, the head names the last one, and a recorded head, if given, is still in place. */
    public record Intact(long entries, long headId, byte[] headHash) implements Verification {
        public String head() {
            return headId + ":" + HexFormat.of().formatHex(headHash);
        }
    }

    /**
     * The first place the chain breaks: {@code entryId} is the row found bad or missing (0: none to
     * name), and {@code reason} says what is wrong with it ("it …").
     */
    public record Broken(long entryId, String reason) implements Verification {
    }

    public static byte[] hash(byte[] previous, Link row) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        sha256.update(previous);
        return sha256.digest(content(row));
    }

    static byte[] content(Link row) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        field(out, Long.toString(row.id()));
        field(out, row.at() == null ? null : AT.format(row.at()));
        field(out, row.actor());
        field(out, row.action());
        field(out, row.outcome());
        field(out, row.clientIp().orElse(null));
        field(out, row.userAgent().orElse(null));
        field(out, row.target().orElse(null));
        field(out, row.details());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    /**
     * One pass over the rows, oldest first: {@link #next} for each until it reports a break, then
     * {@link #finish}. Pure: the caller reads the rows and the head in one snapshot.
     */
    public static final class Walk {

        private final Head head;
        private final Optional<Recorded> recorded;
        private byte[] previous = GENESIS;
        private long previousId;
        private long entries;
        private boolean recordedSeen;

        public Walk(Head head, Optional<Recorded> recorded) {
            this.head = head;
            this.recorded = recorded;
        }

        public Optional<Broken> next(Link row) {
            if (row.id() > head.lastId()) {
                // Chained correctly or not, the trigger never wrote it: the head would name it.
                return broken(row.id(), "it comes after the chain head's last entry (" + head.lastId()
                        + "): it was added out of chain");
            }
            byte[] expected = hash(previous, row);
            if (!Arrays.equals(expected, row.hash())) {
                return broken(row.id(), "its hash does not match its content chained from "
                        + (previousId == 0 ? "the start of the log" : "entry " + previousId)
                        + ": it was changed or added out of chain, an entry before it was removed, "
                        + "or the entry before it was rewritten together with its hash");
            }
            if (recorded.isPresent() && recorded.get().id() == row.id()) {
                if (!Arrays.equals(recorded.get().hash(), row.hash())) {
                    return broken(row.id(), "its hash is no longer the one recorded (" + recorded.get()
                            + "): it or an entry before it was rewritten, and every later hash with it");
                }
                recordedSeen = true;
            }
            previous = expected;
            previousId = row.id();
            entries++;
            return Optional.empty();
        }

        public Verification finish() {
            if (previousId != head.lastId()) {
                return new Broken(head.lastId(), "it is missing: the chain head names it as the last entry, and "
                        + (previousId == 0 ? "the log is empty" : "the log ends at entry " + previousId));
            }
            if (!Arrays.equals(previous, head.lastHash())) {
                return new Broken(head.lastId(), "its hash differs from the chain head's");
            }
            if (recorded.isPresent() && !recordedSeen) {
                return new Broken(recorded.get().id(), "it is missing, though recorded earlier as the head");
            }
            return new Intact(entries, head.lastId(), previous);
        }

        private static Optional<Broken> broken(long id, String reason) {
            return Optional.of(new Broken(id, reason));
        }
    }
}

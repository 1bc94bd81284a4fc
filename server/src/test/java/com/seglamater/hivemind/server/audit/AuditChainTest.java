package com.seglamater.hivemind.server.audit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain's canonical content and the walk over stored rows, without a database (the
 * database's trigger computing the same hashes is {@link AuditVerifyTest}'s part).
 */
class AuditChainTest {

    private static final Instant AT = Instant.parse("2026-11-24T08:00:00.123456Z");

    private static AuditChain.Link row(long id, String actor) {
        return new AuditChain.Link(id, AT, actor, "auth.sign_in", "success", Optional.of("192.0.2.1"),
                Optional.empty(), Optional.of("alice"), "{\"session\": 7}", null);
    }

    /** Rows as the trigger would store them: each hashed onto the one before. */
    private static List<AuditChain.Link> chained(List<AuditChain.Link> rows) {
        List<AuditChain.Link> out = new ArrayList<>();
        byte[] previous = AuditChain.GENESIS;
        for (AuditChain.Link r : rows) {
            byte[] hash = AuditChain.hash(previous, r);
            out.add(withHash(r, hash));
            previous = hash;
        }
        return out;
    }

    private static AuditChain.Link withHash(AuditChain.Link r, byte[] hash) {
        return new AuditChain.Link(r.id(), r.at(), r.actor(), r.action(), r.outcome(), r.clientIp(), r.userAgent(),
                r.target(), r.details(), hash);
    }

    private static AuditChain.Head headOf(List<AuditChain.Link> rows) {
        AuditChain.Link last = rows.getLast();
        return new AuditChain.Head(last.id(), last.hash());
    }

    private static AuditChain.Verification walk(AuditChain.Head head, Optional<AuditChain.Recorded> recorded,
                                                List<AuditChain.Link> rows) {
        AuditChain.Walk walk = new AuditChain.Walk(head, recorded);
        for (AuditChain.Link r : rows) {
            Optional<AuditChain.Broken> broken = walk.next(r);
            if (broken.isPresent()) {
                return broken.get();
            }
        }
        return walk.finish();
    }

    private static List<AuditChain.Link> fiveRows() {
        return chained(List.of(row(1, "a"), row(2, "b"), row(4, "c"), row(5, "d"), row(6, "e")));
    }

    private static void field(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeBytes(new byte[] {0, 0, 0, (byte) bytes.length});
        out.writeBytes(bytes);
    }

    @Test
    void contentIsEachFieldLengthPrefixedInUtf8WithNullAsAZeroByte() {
        AuditChain.Link r = new AuditChain.Link(42, AT, "zoë", "user.created", "success", Optional.empty(),
                Optional.of(""), Optional.of("bob"), "{}", null);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        field(expected, "42");
        field(expected, "2026-11-24T08:00:00.123456Z");
        field(expected, "zoë");
        field(expected, "user.created");
        field(expected, "success");
        expected.write(0);
        field(expected, "");
        field(expected, "bob");
        field(expected, "{}");
        assertThat(AuditChain.content(r)).isEqualTo(expected.toByteArray());
    }

    @Test
    void timesAreUtcWithSixFractionalDigitsWhateverTheirPrecision() {
        AuditChain.Link whole = new AuditChain.Link(1, Instant.parse("1969-07-20T20:17:00Z"), "a", "b", "success",
                Optional.empty(), Optional.empty(), Optional.empty(), "{}", null);
        assertThat(new String(AuditChain.content(whole), StandardCharsets.UTF_8)).contains("1969-07-20T20:17:00.000000Z");
    }

    @Test
    void movingTextBetweenFieldsChangesTheHash() {
        AuditChain.Link one = new AuditChain.Link(1, AT, "ab", "c", "success", Optional.empty(), Optional.empty(),
                Optional.empty(), "{}", null);
        AuditChain.Link other = new AuditChain.Link(1, AT, "a", "bc", "success", Optional.empty(), Optional.empty(),
                Optional.empty(), "{}", null);
        AuditChain.Link empty = new AuditChain.Link(1, AT, "ab", "c", "success", Optional.of(""), Optional.empty(),
                Optional.empty(), "{}", null);
        assertThat(AuditChain.hash(AuditChain.GENESIS, one)).isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, other))
                .as("an empty text is not NULL").isNotEqualTo(AuditChain.hash(AuditChain.GENESIS, empty));
    }

    @Test
    void anIntactChainReportsItsLengthAndHead() {
        List<AuditChain.Link> rows = fiveRows();
        AuditChain.Verification result = walk(headOf(rows), Optional.empty(), rows);
        assertThat(result).isInstanceOfSatisfying(AuditChain.Intact.class, intact -> {
            assertThat(intact.entries()).isEqualTo(5);
            assertThat(intact.headId()).isEqualTo(6);
            assertThat(intact.head()).isEqualTo("6:" + HexFormat.of().formatHex(rows.getLast().hash()));
        });
    }

    @Test
    void anEmptyLogWithTheGenesisHeadIsIntact() {
        assertThat(walk(new AuditChain.Head(0, AuditChain.GENESIS), Optional.empty(), List.of()))
                .isInstanceOfSatisfying(AuditChain.Intact.class, intact -> {
                    assertThat(intact.entries()).isZero();
                    assertThat(intact.headId()).isZero();
                });
    }

    @Test
    void aChangedRowIsTheFirstBadOne() {
        List<AuditChain.Link> rows = new ArrayList<>(fiveRows());
        AuditChain.Link third = rows.get(2);
        rows.set(2, new AuditChain.Link(third.id(), third.at(), "mallory", third.action(), third.outcome(),
                third.clientIp(), third.userAgent(), third.target(), third.details(), third.hash()));
        assertThat(walk(headOf(rows), Optional.empty(), rows)).isInstanceOfSatisfying(AuditChain.Broken.class,
                broken -> {
                    assertThat(broken.entryId()).isEqualTo(4);
                    assertThat(broken.reason()).contains("chained from entry 2");
                });
    }

    @Test
    void aRemovedRowBreaksTheChainAtTheRowAfterIt() {
        List<AuditChain.Link> rows = new ArrayList<>(fiveRows());
        rows.remove(1);
        assertThat(walk(headOf(rows), Optional.empty(), rows))
                .isInstanceOfSatisfying(AuditChain.Broken.class, broken -> assertThat(broken.entryId()).isEqualTo(4));
    }

    @Test
    void removedLastRowsAreNamedByTheChainHead() {
        List<AuditChain.Link> rows = fiveRows();
        AuditChain.Head head = headOf(rows);
        assertThat(walk(head, Optional.empty(), rows.subList(0, 3))).isInstanceOfSatisfying(AuditChain.Broken.class,
                broken -> {
                    assertThat(broken.entryId()).isEqualTo(6);
                    assertThat(broken.reason()).contains("missing").contains("ends at entry 4");
                });
        assertThat(walk(head, Optional.empty(), List.of())).isInstanceOfSatisfying(AuditChain.Broken.class,
                broken -> assertThat(broken.reason()).contains("the log is empty"));
    }

    @Test
    void aRowAfterTheHeadIsOutOfChainEvenWithAValidHash() {
        List<AuditChain.Link> rows = fiveRows();
        AuditChain.Head head = new AuditChain.Head(5, rows.get(3).hash());
        assertThat(walk(head, Optional.empty(), rows)).isInstanceOfSatisfying(AuditChain.Broken.class, broken -> {
            assertThat(broken.entryId()).isEqualTo(6);
            assertThat(broken.reason()).contains("added out of chain");
        });
    }

    @Test
    void aRecordedHeadMustStillBeThere() {
        List<AuditChain.Link> rows = fiveRows();
        AuditChain.Recorded kept = new AuditChain.Recorded(4, rows.get(2).hash());
        assertThat(walk(headOf(rows), Optional.of(kept), rows)).isInstanceOf(AuditChain.Intact.class);

        // The same log rewritten from entry 2 on, every hash recomputed and the head moved with it.
        List<AuditChain.Link> rewritten = chained(List.of(row(1, "a"), row(2, "mallory"), row(4, "c"), row(5, "d"),
                row(6, "e")));
        assertThat(walk(headOf(rewritten), Optional.empty(), rewritten)).as("the chain alone cannot tell")
                .isInstanceOf(AuditChain.Intact.class);
        assertThat(walk(headOf(rewritten), Optional.of(kept), rewritten)).isInstanceOfSatisfying(AuditChain.Broken.class,
                broken -> {
                    assertThat(broken.entryId()).isEqualTo(4);
                    assertThat(broken.reason()).contains("no longer the one recorded");
                });

        AuditChain.Recorded gone = new AuditChain.Recorded(3, rows.get(2).hash());
        assertThat(walk(headOf(rows), Optional.of(gone), rows)).isInstanceOfSatisfying(AuditChain.Broken.class,
                broken -> assertThat(broken.entryId()).isEqualTo(3));
    }

    @Test
    void aRecordedHeadIsParsedOnlyInTheFormVerifyPrints() {
        String hex = "ab".repeat(32);
        assertThat(AuditChain.Recorded.parse("17:" + hex)).get().hasToString("17:" + hex);
        assertThat(AuditChain.Recorded.parse("17:" + hex.toUpperCase())).get().hasToString("17:" + hex);
        for (String bad : List.of("", "17", ":" + hex, "0:" + hex, "-1:" + hex, "17:" + hex + "0", "17:" + hex.substring(2),
                "17:" + "zz".repeat(32), "017:" + hex, "99999999999999999999:" + hex, "17 :" + hex)) {
            assertThat(AuditChain.Recorded.parse(bad)).as(bad).isEmpty();
        }
    }
}

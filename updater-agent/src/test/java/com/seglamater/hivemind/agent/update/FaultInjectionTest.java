package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.testing.FakeStack;
import com.seglamater.hivemind.model.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Fault injection ({@link FaultInjection}): a requested point holds once, where the journal says
 * it is, and is consumed; no request or another point's request holds nothing; a malformed
 * request is refused with one line and never holds. Then, as the e2e test does with SIGKILL on a
 * real engine: killed at each point, a fresh agent converges on one whole release.
 */
class FaultInjectionTest extends UpdaterFixture {

    private final List<Duration> holds = new ArrayList<>();
    private final List<String> holdingFiles = new ArrayList<>();
    private LogCapture log;
    private Path data;

    @BeforeEach
    void recordHolds() {
        data = engine.store.dir();
        log = LogCapture.of(FaultInjection.class);
        // A hold that returns at once, after noting what a test watching the data directory would see.
        engine.faults = new FaultInjection(data, d -> {
            holds.add(d);
            try {
                holdingFiles.add(Files.readString(data.resolve(FaultInjection.HOLDING_FILE)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @AfterEach
    void release() {
        log.close();
    }

    private void request(String point) throws Exception {
        Files.createDirectories(data);
        Files.writeString(data.resolve(FaultInjection.REQUEST_FILE), point + "\n");
    }

    @Test
    void aRequestedPointHoldsOnceSaysSoAndIsConsumed() throws Exception {
        request("before-pin");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).as("after the hold the update goes on").isEqualTo(OperationCode.APPLIED);
        assertThat(holds).containsExactly(FaultInjection.HOLD);
        assertThat(holdingFiles.get(0)).startsWith("point=before-pin\npid=" + ProcessHandle.current().pid() + "\n");
        assertThat(log.messages(Level.WARNING)).anySatisfy(m -> assertThat(m)
                .startsWith("fault injection: holding at before-pin (requested by " + data.resolve(FaultInjection.REQUEST_FILE)));
        assertThat(data.resolve(FaultInjection.REQUEST_FILE)).as("consumed: a resumed agent does not hold again").doesNotExist();
        assertThat(data.resolve(FaultInjection.HOLDING_FILE)).doesNotExist();
    }

    @Test
    void withoutARequestNothingHoldsAndNothingIsWritten() throws Exception {
        assertThat(apply(v2).code()).isEqualTo(OperationCode.HANDING_OFF);
        assertThat(engine.updater().handoff(() -> () -> { }).code()).isEqualTo(OperationCode.HANDED_OFF);

        assertThat(holds).isEmpty();
        assertThat(data.resolve(FaultInjection.HOLDING_FILE)).doesNotExist();
        assertThat(log.messages(Level.WARNING)).isEmpty();
    }

    @Test
    void aRequestForAPointTheUpdatePassesNotHoldsNothingAndStays() throws Exception {
        request("awaiting-health:" + UPDATER); // an update without a new updater never gets there

        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);

        assertThat(holds).isEmpty();
        assertThat(data.resolve(FaultInjection.REQUEST_FILE)).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {"before-lunch", "before-restart", "before-pin:hivemind-server", "before-restart:not a service",
            "", "BEFORE-PIN"})
    void aMalformedRequestIsRefusedClearlyRemovedAndHoldsNothing(String point) throws Exception {
        request(point);

        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);

        assertThat(holds).isEmpty();
        assertThat(data.resolve(FaultInjection.REQUEST_FILE)).doesNotExist();
        assertThat(log.messages(Level.WARNING)).singleElement().satisfies(m -> assertThat(m)
                .startsWith("fault injection: refused " + data.resolve(FaultInjection.REQUEST_FILE) + ": '" + point.strip() + "'")
                .endsWith("; removed, nothing is held"));
    }

    @Test
    void aRequestTooLongOrNotUtf8IsRefused() throws Exception {
        Files.createDirectories(data);
        byte[] huge = new byte[FaultInjection.MAX_REQUEST_BYTES + 1];
        Arrays.fill(huge, (byte) 'a');
        for (byte[] content : List.of(huge, new byte[] {(byte) 0xff, (byte) 0xfe})) {
            Files.write(data.resolve(FaultInjection.REQUEST_FILE), content);
            holds.clear();

            engine.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_PIN));

            assertThat(holds).isEmpty();
            assertThat(data.resolve(FaultInjection.REQUEST_FILE)).doesNotExist();
        }
        assertThat(log.messages(Level.WARNING)).containsExactly(
                "fault injection: refused " + data.resolve(FaultInjection.REQUEST_FILE) + ": longer than "
                        + FaultInjection.MAX_REQUEST_BYTES + " bytes; removed, nothing is held",
                "fault injection: refused " + data.resolve(FaultInjection.REQUEST_FILE) + ": not UTF-8; removed, nothing is held");
    }

    @Test
    void aLeftoverRequestFromLongAgoIsRefusedAndHoldsNothing() throws Exception {
        request("before-pin");
        Path file = data.resolve(FaultInjection.REQUEST_FILE);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(FaultInjection.MAX_REQUEST_AGE).minusSeconds(60)));

        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);

        assertThat(holds).isEmpty();
        assertThat(file).doesNotExist();
        assertThat(log.messages(Level.WARNING)).singleElement().satisfies(m -> assertThat(m)
                .startsWith("fault injection: refused " + file + ": written at ")
                .contains("a leftover, not a test's request").endsWith("; removed, nothing is held"));
    }

    @Test
    void everyPointNameParsesBackToItself() {
        for (FaultPoint.Kind kind : FaultPoint.Kind.values()) {
            FaultPoint point = kind.name().contains("RESTART") || kind == FaultPoint.Kind.AWAITING_HEALTH
                    ? FaultPoint.of(kind, SERVER) : FaultPoint.of(kind);
            assertThat(FaultPoint.parse(point.name())).isEqualTo(point);
        }
    }

    /**
     * Killed at each point (the hold throws, as SIGKILL ends the process there): the journal shows
     * that step, the change after the point has not happened, and a fresh agent, which does not hold
     * again, converges on one whole release.
     */
    @ParameterizedTest
    @ValueSource(strings = {"before-backup", "before-pin", "before-pull", "before-restart:hivemind-server",
            "awaiting-health:hivemind-server", "before-handoff", "before-restart:hivemind-updater",
            "awaiting-health:hivemind-updater"})
    void killedAtEachPointAFreshAgentConvergesOnOneRelease(String point) throws Exception {
        engine.faults = new FaultInjection(data, d -> {
            holds.add(d);
            throw new FakeStack.Crash("the hold at " + point);
        });
        request(point);
        boolean inOneOff = point.endsWith(UPDATER);
        if (inOneOff) {
            assertThat(apply(v2).code()).isEqualTo(OperationCode.HANDING_OFF);
            assertThatThrownBy(() -> engine.updater().handoff(() -> () -> { })).isInstanceOf(FakeStack.Crash.class);
            stack.runningOneOffs.clear(); // the killed one-off
        } else {
            assertThatThrownBy(() -> apply(v2)).isInstanceOf(FakeStack.Crash.class);
        }
        Journal killed = engine.store.journal().orElseThrow();
        Map<String, Journal.Step> stepAt = Map.of("before-backup", Journal.Step.PLANNED, "before-pin", Journal.Step.BACKED_UP,
                "before-pull", Journal.Step.PINNED, "before-restart:hivemind-server", Journal.Step.RESTARTING,
                "awaiting-health:hivemind-server", Journal.Step.RESTARTING);
        assertThat(killed.step()).isEqualTo(stepAt.getOrDefault(point, Journal.Step.HANDOFF));
        assertThat(engine.pins.read()).isEqualTo(point.equals("before-backup") || point.equals("before-pin") ? v1 : v2);
        assertThat(stack.actions().stream().anyMatch(a -> a.startsWith("pull"))).isEqualTo(!point.startsWith("before-p")
                && !point.equals("before-backup"));
        assertThat(stack.imageOf(SERVER)).contains(point.equals("before-restart:hivemind-server") || point.startsWith("before-p")
                || point.equals("before-backup") ? v1.get(SERVER) : v2.get(SERVER));
        assertThat(stack.imageOf(UPDATER)).contains(point.equals("awaiting-health:" + UPDATER) ? v2.get(UPDATER) : v1.get(UPDATER));
        holds.clear();

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(holds).as("the request was consumed by the hold").isEmpty();
        assertThat(engine.store.journal()).isEmpty();
        String version = state().installed().orElseThrow().version();
        Map<String, String> release = version.equals("1.1.0") ? v2 : v1;
        assertThat(stack.imageOf(SERVER)).contains(release.get(SERVER));
        assertThat(stack.imageOf(UPDATER)).contains(release.get(UPDATER));
        assertThat(engine.pins.read()).isEqualTo(release);
        // Only the new updater itself, found running, finishes the update; every other kill leaves the old release.
        assertThat(version).as(resumed.message()).isEqualTo(point.equals("awaiting-health:" + UPDATER) ? "1.1.0" : "1.0.0");
    }
}

package com.seglamater.hivemind.agent.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeartbeatTest {

    @Test
    void beatsAtStartWithTheClocksTimeAndRemovesTheFileWhenStopped(@TempDir Path dir) throws Exception {
        Instant now = Instant.parse("2026-12-04T10:00:00Z");
        Path file = dir.resolve(Heartbeat.FILE);
        try (Heartbeat heartbeat = Heartbeat.start(dir, "3f2a9c1b7d10", Clock.fixed(now, ZoneOffset.UTC))) {
            assertThat(file).exists();
            assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(now);
            // The health check compares it with its container's host name: another container's beat does not count.
            assertThat(file).hasContent("3f2a9c1b7d10");
        }
        assertThat(file).as("a stopped daemon is not alive, whatever the file's age").doesNotExist();
    }

    @Test
    void eachBeatMovesTheTimeForward(@TempDir Path dir) throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        try (Heartbeat heartbeat = Heartbeat.start(dir, "host", clock)) {
            now.set(now.get().plusSeconds(10));
            heartbeat.beat();
            assertThat(Files.getLastModifiedTime(dir.resolve(Heartbeat.FILE)).toInstant()).isEqualTo(now.get());
        }
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenFailsAtStart(@TempDir Path dir) {
        assertThatThrownBy(() -> Heartbeat.start(dir.resolve("missing"), "host", Clock.systemUTC()))
                .isInstanceOf(java.io.IOException.class);
    }
}

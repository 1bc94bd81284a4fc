package com.seglamater.hivemind.model.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ExclusiveLockTest {

    @Test
    void oneHolderAtATimeAndFreeAgainOnceClosed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.lock");
        Optional<ExclusiveLock> first = ExclusiveLock.tryAcquire(file);
        assertThat(first).isPresent();
        assertThat(Files.exists(file)).isTrue();
        assertThat(ExclusiveLock.tryAcquire(file)).as("held").isEmpty();

        first.get().close();

        try (ExclusiveLock again = ExclusiveLock.tryAcquire(file).orElseThrow()) {
            assertThat(again).isNotNull();
        }
        assertThat(Files.exists(file)).as("the lock file stays").isTrue();
    }
}

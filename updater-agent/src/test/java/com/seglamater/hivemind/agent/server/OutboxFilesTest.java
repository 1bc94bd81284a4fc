package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.agent.server.OutboxFiles.Queued;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static com.seglamater.hivemind.agent.server.AdminClientTest.event;
import static com.seglamater.hivemind.agent.server.AdminClientTest.status;
import static org.assertj.core.api.Assertions.assertThat;

/** The outbox's directory on its own: names, order, and what it does with files that are not its own. */
class OutboxFilesTest {

    @TempDir
    Path dir;

    @Test
    void eventsLoadInTheOrderOfTheirSequenceNotOfTheirWriting() {
        OutboxFiles files = new OutboxFiles(dir);
        files.writeEvent(new Queued(10, event("evt-10")));
        files.writeEvent(new Queued(2, event("evt-2")));
        files.writeEvent(new Queued(7, event("evt-7")));

        OutboxFiles.Left left = new OutboxFiles(dir).load();

        assertThat(left.events()).extracting(q -> q.event().id()).containsExactly("evt-2", "evt-7", "evt-10");
        assertThat(left.nextSequence()).isEqualTo(11);
        assertThat(left.status()).isEmpty();
    }

    @Test
    void theStatusIsKeptPrivatelyAndDeletedOnRequest() throws Exception {
        OutboxFiles files = new OutboxFiles(dir);
        files.writeStatus(status("stable"));

        Path file = dir.resolve(Outbox.STATUS_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(files.load().status()).contains(status("stable"));

        files.deleteStatus();
        assertThat(file).doesNotExist();
        assertThat(files.load().status()).isEmpty();
    }

    @Test
    void aFileLargerThanAnyOfOursIsRemovedAndNewEventsStillSortAfterIt() throws Exception {
        Files.createDirectories(dir);
        Path big = dir.resolve("0000000000000000005.json");
        Files.write(big, new byte[OutboxFiles.MAX_FILE_BYTES + 1]);

        OutboxFiles.Left left = new OutboxFiles(dir).load();

        assertThat(big).doesNotExist();
        assertThat(left.events()).isEmpty();
        assertThat(left.nextSequence()).isEqualTo(6);
    }

    @Test
    void filesThatAreNotEventsAreLeftAloneExceptTempFilesOfInterruptedWrites() throws Exception {
        Files.createDirectories(dir);
        Path notes = Files.writeString(dir.resolve("README"), "kept");
        Path shortName = Files.writeString(dir.resolve("12.json"), "{}");
        Path temp = Files.writeString(dir.resolve(".0000000000000000001.json-77.tmp"), "half");

        assertThat(new OutboxFiles(dir).load().events()).isEmpty();

        assertThat(notes).exists();
        assertThat(shortName).exists();
        assertThat(temp).doesNotExist();
    }

    @Test
    void deletingAnEventThatIsAlreadyGoneIsNoError() {
        OutboxFiles files = new OutboxFiles(dir);
        Queued queued = new Queued(0, event("evt-1"));
        files.writeEvent(queued);

        files.deleteEvent(queued);
        files.deleteEvent(queued);

        assertThat(files.load().events()).isEmpty();
    }
}

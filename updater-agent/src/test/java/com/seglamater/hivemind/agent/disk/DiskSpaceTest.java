package com.seglamater.hivemind.agent.disk;

import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.state.StateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DiskSpaceTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskIsRecognisedAsJavaAndAsTheDockerClientReportIt() {
        // Java's IOException carries the C library's text; the docker client prints Go's.
        StateException journal = new StateException("cannot write /data/journal.json: /data/.journal.json.1.tmp",
                new FileSystemException("/data/.journal.json.1.tmp", null, "No space left on device"));
        ComposeException dump = new ComposeException("docker compose exec hivemind-db pg_dump … failed (exit 1): "
                + "write /dev/stdout: no space left on device");
        IOException quota = new IOException("Disk quota exceeded");

        assertThat(DiskSpace.outOfSpace(journal)).isTrue();
        assertThat(DiskSpace.outOfSpace(dump)).isTrue();
        assertThat(DiskSpace.outOfSpace(quota)).isTrue();
    }

    @Test
    void otherFailuresAreNotTakenForAFullDisk() {
        assertThat(DiskSpace.outOfSpace(new StateException("cannot write /data/state.json: Permission denied",
                new IOException("Permission denied")))).isFalse();
        assertThat(DiskSpace.outOfSpace(new ComposeException("service \"hivemind-db\" is not running"))).isFalse();
        assertThat(DiskSpace.outOfSpace(new IOException((String) null))).isFalse();
    }

    @Test
    void aDirectoryNotCreatedYetIsMeasuredOnTheFileSystemItWillBeOn() throws Exception {
        long here = Files.getFileStore(dir).getUsableSpace();

        long usable = DiskSpace.usable(dir.resolve("backups").resolve("later"));

        // Free space moves as others write; the same file system gives the same order of magnitude.
        assertThat(usable).isPositive().isBetween(here / 2, here * 2);
    }

    @Test
    void sizesReadAtAGlance() {
        assertThat(DiskSpace.bytes(0)).isEqualTo("0 bytes");
        assertThat(DiskSpace.bytes(1023)).isEqualTo("1023 bytes");
        assertThat(DiskSpace.bytes(8 * 1024)).isEqualTo("8.0 KiB");
        assertThat(DiskSpace.bytes(16L * 1024 * 1024 + 512 * 1024)).isEqualTo("16.5 MiB");
        assertThat(DiskSpace.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    }
}

package com.seglamater.hivemind.agent.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system (tmpfs) mounted on a directory, to fill up: what a full disk does to
 * the agent cannot be faked by a thrown exception, since the failure then comes from wherever the
 * kernel refuses a write. Mounting needs root (the tests run as root here and in CI); where it is
 * not allowed the test is skipped with the reason, except in CI ({@code CI=true}), where a fault
 * test that silently did not run would be a hole.
 */
public final class SmallFileSystem implements AutoCloseable {

    /** tmpfs counts whole pages. */
    private static final int PAGE = 4096;
    private static final long COMMAND_SECONDS = 20;

    private final Path mountPoint;
    private boolean mounted;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs on {@code mountPoint} (created if need be).
     *
     * @param options tmpfs options, e.g. {@code size=8m} or {@code size=4m,nr_inodes=64}
     */
    public static SmallFileSystem mount(Path mountPoint, String options) throws Exception {
        Files.createDirectories(mountPoint);
        SmallFileSystem fs = new SmallFileSystem(mountPoint);
        String failure = run(List.of("mount", "-t", "tmpfs", "-o", options + ",mode=0700", "tmpfs", mountPoint.toString()));
        if (failure != null) {
            String reason = "cannot mount a tmpfs to fill up (needs root on Linux): " + failure;
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(reason + "; in CI this fault test must run");
            }
            Assumptions.abort(reason);
        }
        fs.mounted = true;
        return fs;
    }

    public Path path() {
        return mountPoint;
    }

    /** Bytes still free. */
    public long usable() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Fills the file system with one file until only {@code leave} bytes (whole pages) are free. */
    public void fillLeaving(long leave) throws IOException {
        long fill = (usable() - leave) / PAGE * PAGE;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(mountPoint.resolve("filler"))) {
            for (long left = fill; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        Assertions.assertTrue(usable() <= leave, () -> "the filler left " + leave + " bytes free");
    }

    /** Uses up every inode with empty files, so that no file can be created, however many bytes are free. */
    public void useUpInodes() throws IOException {
        Path dir = Files.createDirectories(mountPoint.resolve("inodes"));
        for (int n = 0; ; n++) {
            try {
                Files.createFile(dir.resolve(Integer.toString(n)));
            } catch (FileSystemException e) {
                Assertions.assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"),
                        () -> "the inodes ran out, not something else: " + e);
                return;
            }
            if (n > 100_000) {
                Assertions.fail("the file system never ran out of inodes; mount it with nr_inodes");
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (mounted) {
            String failure = run(List.of("umount", mountPoint.toString()));
            if (failure != null) {
                failure = run(List.of("umount", "-l", mountPoint.toString()));
            }
            mounted = false;
            Assertions.assertNull(failure, () -> "cannot unmount " + mountPoint);
        }
    }

    /** Runs {@code command}; null when it succeeded, else what went wrong. */
    private static String run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish within " + COMMAND_SECONDS + " s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null : String.join(" ", command) + " failed (exit " + process.exitValue()
                    + "): " + output;
        } catch (IOException e) {
            return String.join(" ", command) + " could not run: " + e.getMessage();
        }
    }
}

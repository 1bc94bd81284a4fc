package com.seglamater.hivemind.agent.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Free space, as the agent's pre-flight checks and its messages about a full disk need it: how
 * much a directory's file system still takes, whether a failure was the disk being full, and
 * sizes an operator reads at a glance.
 */
public final class DiskSpace {

    /**
     * How the kernel's ENOSPC and EDQUOT read, whether Java reports them (an {@code IOException}'s
     * message is the C library's text) or the docker client that wrote the dump does (Go's
     * lower-case text on its stderr).
     */
    private static final Pattern OUT_OF_SPACE = Pattern.compile("(?i)no space left on device|disk quota exceeded");
    private static final int MAX_CAUSES = 16;

    private DiskSpace() {
    }

    /**
     * Bytes a process like this one may still write where {@code dir} is (or would be created:
     * the nearest existing parent's file system is measured).
     */
    public static long usable(Path dir) throws IOException {
        Path existing = dir.toAbsolutePath();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing).getUsableSpace();
    }

    /** Whether {@code failure}, or one of its causes, is a write refused because the disk (or a quota) is full. */
    public static boolean outOfSpace(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.put(t, true) == null; t = t.getCause()) {
            if (t.getMessage() != null && OUT_OF_SPACE.matcher(t.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }

    /** {@code 512 bytes}, {@code 12.0 KiB}, {@code 16.0 MiB}, {@code 1.5 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}

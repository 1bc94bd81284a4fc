package com.seglamater.hivemind.agent.compose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drains one output stream of a child process on its own virtual thread, so that a process
 * filling one pipe while the agent waits on the other cannot deadlock. Keeps at most
 * {@code captureLimit} bytes of the raw output (for stdout that is parsed) and the last
 * {@code tailLimit} characters as lines (for stderr in error messages); hands every line to
 * {@code lines} for logging. Lines longer than {@link #MAX_LINE} bytes are cut.
 */
final class OutputPump {

    static final int MAX_LINE = 4096;

    private final InputStream in;
    private final int captureLimit;
    private final int tailLimit;
    private final Consumer<String> lines;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private int tailChars;
    private boolean overflowed;
    private final Thread thread;

    OutputPump(InputStream in, int captureLimit, int tailLimit, Consumer<String> lines) {
        this.in = in;
        this.captureLimit = captureLimit;
        this.tailLimit = tailLimit;
        this.lines = lines;
        this.thread = Thread.ofVirtual().name("process-output").start(this::pump);
    }

    /** Waits for the stream's end; false if it is still open after {@code bound} (a leftover grandchild holds it). */
    boolean await(Duration bound) throws InterruptedException {
        return thread.join(bound);
    }

    synchronized byte[] captured() {
        return captured.toByteArray();
    }

    /** More than {@code captureLimit} bytes came; {@link #captured} holds only the first ones. */
    synchronized boolean overflowed() {
        return overflowed;
    }

    /** The last lines kept, oldest first. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private void pump() {
        byte[] buffer = new byte[8192];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean cut = false;
        try (in) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                capture(buffer, n);
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        emit(line, cut);
                        line.reset();
                        cut = false;
                    } else if (line.size() < MAX_LINE) {
                        line.write(buffer[i]);
                    } else {
                        cut = true;
                    }
                }
            }
            if (line.size() > 0 || cut) {
                emit(line, cut);
            }
        } catch (IOException e) {
            // The pipe closes under us when the process is killed; what came until then is kept.
        }
    }

    private synchronized void capture(byte[] buffer, int n) {
        int room = captureLimit - captured.size();
        if (n > room) {
            overflowed = true;
        }
        if (room > 0) {
            captured.write(buffer, 0, Math.min(room, n));
        }
    }

    private void emit(ByteArrayOutputStream bytes, boolean cut) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (cut) {
            text = text + " …";
        }
        keep(text);
        lines.accept(text);
    }

    private synchronized void keep(String text) {
        if (tailLimit <= 0) {
            return;
        }
        tail.addLast(text);
        tailChars += text.length() + 1;
        while (tailChars > tailLimit && tail.size() > 1) {
            tailChars -= tail.removeFirst().length() + 1;
        }
    }
}

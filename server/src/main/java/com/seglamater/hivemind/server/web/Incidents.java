package com.seglamater.hivemind.server.web;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** What {@link ErrorHandling} writes about an unexpected exception: the incident id, and the exception as text. */
final class Incidents {

    /** A cycle of causes would otherwise never end. */
    private static final int MAX_CAUSES = 32;

    private Incidents() {
    }

    /**
     * Twelve hex digits, random: names one failure in the answer and in the log. Not a secret (it
     * grants nothing); 48 bits keep two incidents of one log apart.
     */
    static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(4);
    }

    /** Class and message of the exception and of each cause: {@code A: m; caused by B: n}. */
    static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain(e)) {
            text.append(t == e ? "" : "; caused by ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }

    /** What tells two failures' stacks apart: the classes and the first {@code frames} frames of each exception in the chain. */
    static String stack(Throwable e, int frames) {
        StringBuilder stack = new StringBuilder();
        for (Throwable t : chain(e)) {
            stack.append(t.getClass().getName()).append('\n');
            StackTraceElement[] trace = t.getStackTrace();
            for (int i = 0; i < Math.min(frames, trace.length); i++) {
                stack.append(trace[i]).append('\n');
            }
        }
        return stack.toString();
    }

    /** The exception and its causes, each once. */
    private static List<Throwable> chain(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && chain.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The stack trace as the JDK prints it, causes and suppressed exceptions included. */
    static String trace(Throwable e) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            e.printStackTrace(out);
        }
        return text.toString().stripTrailing();
    }
}

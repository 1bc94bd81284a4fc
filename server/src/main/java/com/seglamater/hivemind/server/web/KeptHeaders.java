package com.seglamater.hivemind.server.web;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Changes to a response that an error answer keeps. {@link ErrorHandling} starts an error answer
 * from no headers; a filter that set something the client needs whatever the outcome (the gate's
 * session cookie, set or cleared) records it here, and the error answer applies it again. This
 * package knows nothing of what the change is.
 */
public final class KeptHeaders {

    private final List<Consumer<ServerResponse>> changes = new CopyOnWriteArrayList<>();

    private KeptHeaders() {
    }

    /** Applies {@code change} to {@code res} now, and again to an error answer of this request. */
    public static void apply(ServerRequest req, ServerResponse res, Consumer<ServerResponse> change) {
        change.accept(res);
        KeptHeaders kept = req.context().get(KeptHeaders.class).orElseGet(() -> {
            KeptHeaders made = new KeptHeaders();
            req.context().register(made);
            return made;
        });
        kept.changes.add(change);
    }

    static void reapply(ServerRequest req, ServerResponse res) {
        req.context().get(KeptHeaders.class).ifPresent(kept -> kept.changes.forEach(change -> change.accept(res)));
    }
}

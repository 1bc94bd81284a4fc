package com.seglamater.hivemind.server.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The last route: anything no other route took is a JSON 404. */
public final class NotFound implements Handler {

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.NOT_FOUND_404,
                new Json.Error("not_found", "no such resource: " + req.prologue().method().text() + " " + req.path().path()));
    }
}

package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.auth.Access;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;

/**
 * The routes of the pages' frame: the assets, {@code /favicon.ico}, and {@code /} (a plain home
 * page until the dashboard takes the path over).
 */
public final class UiService implements HttpService {

    private final Views views;

    public UiService(Views views) {
        this.views = views;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/assets/{name}", views.assets()::serve)
                .get("/favicon.ico", views.assets()::favicon)
                .get("/", this::home);
    }

    private void home(ServerRequest req, ServerResponse res) {
        Access.principal(req);
        views.page(req, res, "ui/home.jte", Map.of());
    }
}

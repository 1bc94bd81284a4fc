package com.seglamater.hivemind.server.ui;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/**
 * The routes of the pages' frame: the assets and {@code /favicon.ico}. ({@code /} is the
 * dashboard's.)
 */
public final class UiService implements HttpService {

    private final Views views;

    public UiService(Views views) {
        this.views = views;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/assets/{name}", views.assets()::serve)
                .get("/favicon.ico", views.assets()::favicon);
    }
}

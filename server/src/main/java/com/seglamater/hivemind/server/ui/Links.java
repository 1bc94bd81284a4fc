package com.seglamater.hivemind.server.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Links of the pages: a query string made from a form's values, for paging and exports that keep a search. */
public final class Links {

    private Links() {
    }

    /** {@code ?name=value&…} of the values that are not empty, each encoded, in order; "" when none is. */
    public static String query(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((name, value) -> {
            if (!value.isEmpty()) {
                pairs.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value,
                        StandardCharsets.UTF_8));
            }
        });
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }
}

package com.seglamater.hivemind.server.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's routes as {@code docs/api.md} lists them: the first cell of a table row,
 * {@code `METHOD /api/v1/path?param=&…`}, with the query parameters it names. Reading the
 * documentation rather than a list of our own keeps a new documented route from going unfuzzed.
 */
record DocumentedRoutes(List<Route> routes) {

    static final Path API_MD = Path.of("..", "docs", "api.md");

    private static final Pattern ROW = Pattern.compile("^\\| `(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`?]*)(\\?[^`]*)?`");
    private static final Pattern PARAM = Pattern.compile("([A-Za-z]+)=");
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    /** One route: method, path with {@code {placeholders}}, the documented query parameters. */
    record Route(String method, String path, List<String> query) {

        String key() {
            return method + " " + path;
        }

        boolean takesBody() {
            return WITH_BODY.contains(method);
        }
    }

    static DocumentedRoutes read() throws IOException {
        Map<String, Route> routes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(API_MD)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                List<String> query = new ArrayList<>();
                if (row.group(3) != null) {
                    Matcher param = PARAM.matcher(row.group(3));
                    while (param.find()) {
                        query.add(param.group(1));
                    }
                }
                Route route = new Route(row.group(1), row.group(2), List.copyOf(query));
                routes.putIfAbsent(route.key(), route);
            }
        }
        return new DocumentedRoutes(List.copyOf(routes.values()));
    }
}

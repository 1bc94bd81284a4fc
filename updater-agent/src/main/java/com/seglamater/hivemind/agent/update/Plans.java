package com.seglamater.hivemind.agent.update;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Which services an update recreates, and in which order. */
final class Plans {

    private Plans() {
    }

    /**
     * The services whose image changes from {@code from} to {@code to} (all of {@code to} when
     * nothing was pinned before; also those pinned before and not now): other services first (e.g. the database, by name), then the
     * server, then the updater itself, last.
     */
    static List<String> order(Map<String, String> from, Map<String, String> to, String server, String updater) {
        List<String> out = new ArrayList<>();
        TreeSet<String> changed = new TreeSet<>();
        to.forEach((service, image) -> {
            if (!Objects.equals(from.get(service), image)) {
                changed.add(service);
            }
        });
        // A service pinned before but not now goes back to docker-compose.yml's image: a change too.
        from.keySet().stream().filter(s -> !to.containsKey(s)).forEach(changed::add);
        for (String s : changed) {
            if (!s.equals(server) && !s.equals(updater)) {
                out.add(s);
            }
        }
        if (changed.contains(server)) {
            out.add(server);
        }
        if (changed.contains(updater)) {
            out.add(updater);
        }
        return out;
    }
}

package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.health.Health;
import com.seglamater.hivemind.server.web.Json;
import io.helidon.service.registry.GlobalServiceRegistry;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The start's clock and its helpers on other cores (issue 15: start to the first /health 200):
 * {@link HivemindServer#start} marks where each step begins and logs, at the end, what each
 * cost (server/bench/start.sh reads that line; docs/benchmarks.md).
 */
final class StartUp {

    private static final Logger LOG = Logger.getLogger(StartUp.class.getName());

    private final long begun = System.nanoTime();
    private long opening;
    private long migrating;
    private long wiring;

    void databaseOpening() {
        opening = System.nanoTime();
    }

    void migrating() {
        migrating = System.nanoTime();
    }

    void wiring() {
        wiring = System.nanoTime();
    }

    /** "started in … ms: preparation … ms, database …, migrations …, services and listeners … ms; class-data sharing on". */
    String done() {
        long done = System.nanoTime();
        return "started in " + ms(begun, done) + " ms: preparation " + ms(begun, opening) + " ms, database "
                + ms(opening, migrating) + " ms, migrations " + ms(migrating, wiring) + " ms, services and listeners "
                + ms(wiring, done) + " ms; class-data sharing "
                + (System.getProperty("java.vm.info", "").contains("sharing") ? "on" : "off");
    }

    private static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /**
     * Does, on another core while the start goes on, work that the start and the first request
     * would otherwise do in line: Helidon's service registry, which the database client and the
     * web server need, and Jackson's mapper with its serializer for {@link Health}. Harmless if it
     * fails or comes late: the first use does the same work.
     */
    static void warmUp(String version) {
        Thread thread = new Thread(() -> {
            try {
                GlobalServiceRegistry.registry();
                Json.MAPPER.writeValueAsBytes(new Health(Health.UP, version,
                        Map.of("database", new Health.Check(Health.UP, 1L, null))));
            } catch (Exception | LinkageError e) {
                LOG.log(Level.FINE, "start-up warm-up failed (the first use does the same work)", e);
            }
        }, "hivemind-warm-up");
        thread.setDaemon(true);
        thread.start();
    }
}

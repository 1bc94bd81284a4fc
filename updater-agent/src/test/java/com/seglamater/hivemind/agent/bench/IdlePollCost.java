package com.seglamater.hivemind.agent.bench;

import com.seglamater.hivemind.agent.channel.ChannelClient;
import com.seglamater.hivemind.agent.channel.ChannelFetch;
import com.seglamater.hivemind.agent.testing.ReleaseHost;
import com.seglamater.hivemind.agent.testing.WireCounter;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What watching the channel costs: a ReleaseHost serves a tree published by manifest-signer, a
 * {@link ChannelClient} does one full fetch and then {@code polls} idle polls (answered 304),
 * and the bytes that crossed the host's sockets are counted (requests, responses and TLS
 * records; not TCP/IP headers). Idle polls are measured twice: on a kept-alive connection, and
 * each on a new connection, which is what a poll every 5 minutes gets in practice (OkHttp keeps
 * an idle connection 5 minutes, most hosts far less). Usage: {@code IdlePollCost [polls]}.
 */
public final class IdlePollCost {

    private static final int POLLS_PER_DAY = 24 * 60 / 5;

    private IdlePollCost() {
    }

    public static void main(String[] args) throws Exception {
        int polls = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = Files.createTempDirectory("hivemind-idle-poll");
        try {
            ReleaseFixture fixture = new ReleaseFixture(dir);
            fixture.publishOk("canary", "0.1.0");
            System.out.println("statement " + Files.size(fixture.latest("canary")) + " bytes, signature "
                    + Files.size(fixture.latest("canary").resolveSibling("latest.json.asc")) + " bytes (Ed25519)");
            System.out.println("bytes: counted at the release host's sockets, both directions (HTTP requests and"
                    + " responses, TLS records included; TCP/IP headers not); " + polls + " polls per row");
            System.out.printf(Locale.ROOT, "%-44s %-9s %9s %12s %9s %9s %10s%n",
                    "poll", "protocol", "requests", "connections", "sent B", "recv B", "total B");
            try (ReleaseHost http = ReleaseHost.http(fixture.tree)) {
                measure("http", http, polls);
            }
            try (ReleaseHost https = ReleaseHost.https(fixture.tree, dir.resolve("tls"))) {
                measure("https", https, polls);
            }
            System.out.println("(sent = client to host, recv = host to client; per poll; idle polls at a 5 min interval = "
                    + POLLS_PER_DAY + " a day)");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void measure(String scheme, ReleaseHost host, int polls) {
        ChannelClient client = new ChannelClient(host.baseUri(), true, ChannelClient.Timeouts.DEFAULTS,
                host.clientTemplate());
        ChannelFetch.Fetched first = expect(ChannelFetch.Fetched.class,
                row(scheme + " first fetch (latest.json + .asc)", host, 1,
                        () -> client.fetch("canary", ChannelFetch.Validators.NONE)));
        row(scheme + " idle poll, kept-alive connection", host, polls, () -> {
            for (int i = 0; i < polls; i++) {
                expect(ChannelFetch.NotModified.class, client.fetch("canary", first.validators()));
            }
            return null;
        });
        row(scheme + " idle poll, new connection each", host, polls, () -> {
            for (int i = 0; i < polls; i++) {
                host.clientTemplate().connectionPool().evictAll();
                expect(ChannelFetch.NotModified.class, client.fetch("canary", first.validators()));
            }
            return null;
        });
        row(scheme + " no-release poll (404), new connection", host, polls, () -> {
            for (int i = 0; i < polls; i++) {
                host.clientTemplate().connectionPool().evictAll();
                expect(ChannelFetch.NoRelease.class, client.fetch("stable", ChannelFetch.Validators.NONE));
            }
            return null;
        });
        host.clientTemplate().connectionPool().evictAll();
    }

    private static <T> T row(String label, ReleaseHost host, int count, Supplier<T> action) {
        host.clearExchanges();
        WireCounter.Bytes before = host.wire().snapshot();
        T result = action.get();
        settle();
        WireCounter.Bytes delta = host.wire().snapshot().minus(before);
        String protocols = host.exchanges().stream().map(ReleaseHost.Exchange::protocol).distinct()
                .collect(Collectors.joining(","));
        System.out.printf(Locale.ROOT, "%-44s %-9s %9.2f %12.2f %9.0f %9.0f %10.0f%n", label, protocols,
                host.exchanges().size() / (double) count, delta.connections() / (double) count,
                delta.received() / (double) count, delta.sent() / (double) count, delta.total() / (double) count);
        return result;
    }

    /** The host's last writes (a close_notify, say) may land just after the client returned. */
    private static void settle() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T expect(Class<T> type, Object outcome) {
        if (!type.isInstance(outcome)) {
            throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + outcome);
        }
        return type.cast(outcome);
    }
}

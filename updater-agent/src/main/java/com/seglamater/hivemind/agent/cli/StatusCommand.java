package com.seglamater.hivemind.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlServer;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.FailedRelease;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code status}: what the agent knows, read from {@code state.json} and {@code journal.json}
 * in the data directory. Needs no lock and no daemon, so it works while an update runs.
 *
 * <p>{@code --json} prints one object with these fields (absent values are {@code null}):
 * <ul>
 * <li>{@code channel}: the channel in effect (configuration); {@code dataDir}</li>
 * <li>{@code channelStatement}: the last statement accepted on it, {@code {sequence, version, expires}}</li>
 * <li>{@code installed}, {@code previous}: {@code {version, images: {service: image}, schemaVersion}};
 *     {@code previous} is what {@code rollback} returns to</li>
 * <li>{@code lastCheck}: {@code {at, result, code, message, availableVersion, warning}}</li>
 * <li>{@code availableVersion}, {@code warning}: from the last check (e.g. a stale channel)</li>
 * <li>{@code update}: the update in progress, {@code {kind: update|rollback, step, from, to, services,
 *     restarted, startedAt, failure}}; {@code step} is the journal's step in lower case
 *     ({@code planned}, {@code backed_up}, {@code pinned}, {@code pulled}, {@code restarting},
 *     {@code handoff}, {@code rolling_back}, {@code rollback_failed})</li>
 * <li>{@code lastError}: the last failure of an update, rollback, backup or restore</li>
 * <li>{@code failedRelease}: the release rolled back and not retried until a newer statement
 *     (or, after a failed pull or file error, until {@code retryAfter}),
 *     {@code {channel, sequence, version, reason, at, retryAfter}}</li>
 * <li>{@code daemon}: {@code running} (answers on the control socket), {@code stopped}, or
 *     {@code unknown} (the socket cannot be used by this user)</li>
 * </ul>
 */
@Command(name = "status",
        description = {"Show the channel, the installed release, the last check, an update in progress, the last error "
                + "and whether the daemon runs.",
                "Reads the agent's state files: needs no daemon and works while an update runs."})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Option(names = "--json", description = "Print one JSON object: channel, dataDir, channelStatement, installed, previous, lastCheck, "
            + "availableVersion, warning, update, lastError, failedRelease, daemon (absent values are null).")
    boolean json;

    private final Context ctx;

    public StatusCommand(Context ctx) {
        this.ctx = ctx;
    }

    enum Daemon { RUNNING, STOPPED, UNKNOWN }

    @Override
    public Integer call() throws Exception {
        AgentConfig config = root.config();
        StateStore store = new StateStore(config.dataDir());
        AgentState state = store.load();
        Optional<Journal> journal = store.journal();
        Daemon daemon = daemon(config);
        if (json) {
            ctx.out().println(Json.write(json(config, state, journal, daemon)));
        } else {
            print(config, state, journal, daemon);
        }
        return ExitCode.OK;
    }

    private static Daemon daemon(AgentConfig config) {
        try {
            return ControlClient.answers(config.dataDir()) ? Daemon.RUNNING : Daemon.STOPPED;
        } catch (IOException e) {
            return Daemon.UNKNOWN;
        }
    }

    private void print(AgentConfig config, AgentState state, Optional<Journal> journal, Daemon daemon) {
        PrintStream out = ctx.out();
        Optional<ChannelTrust> trust = state.trust(config.channel());
        line("channel", config.channel() + trust.map(t -> " (statement " + t.sequence() + " offers " + t.version()
                + ", expires " + t.expires() + ")").orElse(" (no statement accepted yet)"));
        line("installed", state.installed().map(Release::version).orElse("unknown (the agent has installed nothing yet)"));
        state.installed().ifPresent(r -> new TreeMap<>(r.images()).forEach((service, image) ->
                out.println("  " + service + ": " + image)));
        state.previous().ifPresent(r -> line("previous", r.version() + " (what rollback returns to)"));
        line("last check", state.lastCheck().map(c -> c.at() + " " + c.result() + c.code().map(code -> " (" + code + ")")
                .orElse("") + ": " + c.message()).orElse("never"));
        state.lastCheck().flatMap(LastCheck::availableVersion).ifPresent(v -> line("available", v));
        state.lastCheck().flatMap(LastCheck::warning).ifPresent(w -> line("warning", w));
        line("update", journal.map(j -> update(j, daemon)).orElse("none in progress"));
        state.lastError().ifPresent(e -> line("last error", e));
        state.failed().ifPresent(f -> line("not retried", f.version() + " (" + f.channel() + ", statement "
                + f.sequence() + ") was rolled back at " + f.at() + ": " + f.reason()
                + "; it is not applied again until " + f.retryAfter().map(t -> t + " or until ").orElse("")
                + "the channel publishes a newer statement ('check --apply' forces it)"));
        line("daemon", switch (daemon) {
            case RUNNING -> "running";
            case STOPPED -> "not running";
            case UNKNOWN -> "unknown (this user cannot use " + config.dataDir().resolve(ControlServer.SOCKET_FILE) + ")";
        });
    }

    private static String update(Journal j, Daemon daemon) {
        StringBuilder text = new StringBuilder(j.kind() == Journal.Kind.ROLLBACK ? "rollback " : "update ")
                .append(j.from().map(Release::version).orElse("(unknown)")).append(" -> ").append(j.to().version())
                .append(", step ").append(name(j.step()))
                .append(", ").append(j.restarted()).append(" of ").append(j.services().size()).append(" services done");
        if (j.restarted() > 0) {
            text.append(" (").append(String.join(", ", j.services().subList(0, j.restarted()))).append(")");
        }
        text.append(", started ").append(j.startedAt());
        j.failure().ifPresent(f -> text.append("; rolling back because: ").append(f));
        if (j.step() == Journal.Step.ROLLBACK_FAILED) {
            text.append("; the rollback failed: the stack needs an operator (nothing is applied until one acts)");
        } else if (daemon == Daemon.STOPPED) {
            text.append("; interrupted: it resumes or rolls back when the updater starts");
        }
        return text.toString();
    }

    private void line(String label, String value) {
        ctx.out().printf("%-12s %s%n", label + ":", value);
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static ObjectNode json(AgentConfig config, AgentState state, Optional<Journal> journal, Daemon daemon) {
        ObjectNode root = Json.object();
        root.put("channel", config.channel());
        root.put("dataDir", config.dataDir().toString());
        Optional<ChannelTrust> trust = state.trust(config.channel());
        if (trust.isPresent()) {
            ObjectNode t = root.putObject("channelStatement");
            t.put("sequence", trust.get().sequence());
            t.put("version", trust.get().version());
            t.put("expires", trust.get().expires().toString());
        } else {
            root.putNull("channelStatement");
        }
        release(root, "installed", state.installed());
        release(root, "previous", state.previous());
        Optional<LastCheck> check = state.lastCheck();
        if (check.isPresent()) {
            ObjectNode c = root.putObject("lastCheck");
            LastCheck last = check.get();
            c.put("at", last.at().toString());
            c.put("result", last.result().wireName());
            c.put("code", last.code().orElse(null));
            c.put("message", last.message());
            c.put("availableVersion", last.availableVersion().orElse(null));
            c.put("warning", last.warning().orElse(null));
        } else {
            root.putNull("lastCheck");
        }
        root.put("availableVersion", check.flatMap(LastCheck::availableVersion).orElse(null));
        root.put("warning", check.flatMap(LastCheck::warning).orElse(null));
        if (journal.isPresent()) {
            Journal j = journal.get();
            ObjectNode u = root.putObject("update");
            u.put("kind", name(j.kind()));
            u.put("step", name(j.step()));
            u.put("from", j.from().map(Release::version).orElse(null));
            u.put("to", j.to().version());
            j.services().forEach(u.putArray("services")::add);
            u.put("restarted", j.restarted());
            u.put("startedAt", j.startedAt().toString());
            u.put("failure", j.failure().orElse(null));
        } else {
            root.putNull("update");
        }
        root.put("lastError", state.lastError().orElse(null));
        Optional<FailedRelease> failed = state.failed();
        if (failed.isPresent()) {
            ObjectNode f = root.putObject("failedRelease");
            f.put("channel", failed.get().channel());
            f.put("sequence", failed.get().sequence());
            f.put("version", failed.get().version());
            f.put("reason", failed.get().reason());
            f.put("at", failed.get().at().toString());
            f.put("retryAfter", failed.get().retryAfter().map(Object::toString).orElse(null));
        } else {
            root.putNull("failedRelease");
        }
        root.put("daemon", name(daemon));
        return root;
    }

    private static void release(ObjectNode root, String field, Optional<Release> release) {
        if (release.isEmpty()) {
            root.putNull(field);
            return;
        }
        ObjectNode r = root.putObject(field);
        r.put("version", release.get().version());
        ObjectNode images = r.putObject("images");
        new TreeMap<>(release.get().images()).forEach(images::put);
        r.put("schemaVersion", release.get().schemaVersion().orElse(null));
    }
}

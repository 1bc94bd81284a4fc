package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.model.admin.UpdateEventKind;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.server.updates.UpdateStore;
import com.seglamater.hivemind.server.web.Page;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The dashboard's updates section for one viewer: the agent's last report as a person reads it
 * (what it is doing, how far an update has got, what is available, what went wrong), the update
 * history, and for admins the commands they may queue now and the recent ones with their results.
 * Pure: made from the report, the queue and the history, so its rules are tested without a
 * browser or a database.
 *
 * @param agent       the agent's last report; empty until it first reports
 * @param receivedAt  when the server received it
 * @param actions     what the viewer may ask the agent to do now (admins only; empty otherwise)
 * @param commands    the recent commands, newest first (admins only)
 * @param history     the newest update events, newest first
 * @param older       the cursor of the events before those, if there are any
 * @param pollSeconds how often the page asks for news: often while something is going on
 */
public record UpdatePanel(Optional<AgentStatus> agent, Optional<Instant> receivedAt, List<Action> actions,
                          List<CommandLine> commands, List<HistoryLine> history, Optional<Long> older,
                          int pollSeconds) {

    /** Polling while an update or a command is under way, and while idle. */
    static final int BUSY_POLL_SECONDS = 2;
    static final int IDLE_POLL_SECONDS = 15;

    public UpdatePanel {
        actions = List.copyOf(actions);
        commands = List.copyOf(commands);
        history = List.copyOf(history);
    }

    /** A command an admin can queue from the dashboard; {@code confirm}: why it needs a confirmation. */
    public record Action(String kind, Optional<String> version, String label, Optional<String> confirm) {
    }

    /** One step of an update in progress. */
    public record Step(String label, StepState state) {
    }

    public enum StepState { DONE, CURRENT, TODO }

    /** A queued command and where it stands. */
    public record CommandLine(long id, String label, String requestedBy, Instant requestedAt, String state,
                              Tone tone, Optional<Instant> completedAt, Optional<String> result) {
    }

    /** An event of the update history. */
    public record HistoryLine(long id, Instant at, String label, Tone tone, Optional<String> fromVersion,
                              Optional<String> toVersion, Optional<String> code, String message) {
    }

    /** How a line reads at a glance; the templates turn it into a style. */
    public enum Tone {
        GOOD, BAD, ACTIVE, NEUTRAL;

        public String css() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param admin    whether the viewer may queue commands (and see them)
     * @param commands the recent commands, newest first; ignored unless {@code admin}
     * @param open     commands queued or handed out and not yet done
     * @param history  the newest page of the update history
     */
    public static UpdatePanel of(Optional<UpdateStore.ReceivedStatus> report, boolean admin,
                                 List<UpdateStore.CommandView> commands, long open,
                                 Page<UpdateStore.HistoryEntry> history) {
        Optional<AgentStatus> agent = report.map(UpdateStore.ReceivedStatus::status);
        boolean busy = open > 0 || agent.map(a -> a.state() == AgentStatus.State.CHECKING
                || a.state() == AgentStatus.State.APPLYING || a.state() == AgentStatus.State.ROLLING_BACK).orElse(false);
        return new UpdatePanel(agent, report.map(UpdateStore.ReceivedStatus::receivedAt),
                admin ? actions(agent) : List.of(),
                admin ? commands.stream().map(UpdatePanel::line).toList() : List.of(),
                history.items().stream().map(UpdatePanel::line).toList(), history.next(),
                busy ? BUSY_POLL_SECONDS : IDLE_POLL_SECONDS);
    }

    public boolean reported() {
        return agent.isPresent();
    }

    /** The available release's notes (its statement's: short text or a URL). */
    public Optional<String> notes() {
        return agent.flatMap(AgentStatus::availableVersion).flatMap(v -> agent.get().availableNotes());
    }

    /** Notes that are one web address are shown as a link; anything else as text. */
    public Optional<String> notesLink() {
        return notes().filter(n -> n.matches("https?://[^\\s<>\"]+"));
    }

    /**
     * One line that says what is going on, for screen readers when it changes (the dashboard
     * announces it rather than the whole section).
     */
    public String summary() {
        if (agent.isEmpty()) {
            return "The updater has not reported yet.";
        }
        List<Step> steps = progress();
        String step = steps.stream().filter(s -> s.state() == StepState.CURRENT).map(Step::label).findFirst()
                .map(label -> ": " + label).orElse("");
        String check = lastCheck().map(c -> ". Last check: " + c).orElse("");
        String command = commands.stream().findFirst().map(c -> ". " + c.label() + ": " + c.state()).orElse("");
        return "Updates: " + state() + step + check + command + ".";
    }

    /** An update or rollback is running: the commands that restart services wait until it ends. */
    public boolean updating() {
        return agent.map(a -> a.state() == AgentStatus.State.APPLYING || a.state() == AgentStatus.State.ROLLING_BACK)
                .orElse(false);
    }

    public String state() {
        return agent.map(a -> switch (a.state()) {
            case IDLE -> "Idle";
            case CHECKING -> "Checking the channel";
            case AWAITING_APPROVAL -> "Waiting for an admin's approval";
            case APPLYING -> "Applying an update";
            case ROLLING_BACK -> "Rolling back";
        }).orElse("Unknown");
    }

    public Tone stateTone() {
        return agent.map(a -> switch (a.state()) {
            case IDLE -> Tone.NEUTRAL;
            case CHECKING, APPLYING, ROLLING_BACK -> Tone.ACTIVE;
            case AWAITING_APPROVAL -> Tone.BAD;
        }).orElse(Tone.NEUTRAL);
    }

    /** The last check's outcome in words, by its stable code (updating.md, "Status"). */
    public Optional<String> lastCheck() {
        return agent.flatMap(AgentStatus::lastCheckResult).map(code -> switch (code) {
            case "up_to_date" -> "Up to date";
            case "update_available" -> "A release is available";
            case "no_release" -> "No release on this channel yet";
            case "unreachable" -> "The release host could not be reached";
            case "rejected" -> "The channel's statement was refused";
            default -> code;
        });
    }

    public Tone lastCheckTone() {
        return agent.flatMap(AgentStatus::lastCheckResult).map(code -> switch (code) {
            case "up_to_date", "no_release" -> Tone.GOOD;
            case "update_available" -> Tone.ACTIVE;
            case "unreachable", "rejected" -> Tone.BAD;
            default -> Tone.NEUTRAL;
        }).orElse(Tone.NEUTRAL);
    }

    /**
     * The steps of an update in progress, from the journal step the agent reports
     * ({@code planned}, {@code backed_up}, {@code pinned}, {@code pulled},
     * {@code restarting SERVICE}, {@code handoff}); empty when none runs or the step is unknown.
     */
    public List<Step> progress() {
        if (agent.isEmpty() || agent.get().state() != AgentStatus.State.APPLYING || agent.get().step().isEmpty()) {
            return List.of();
        }
        String step = agent.get().step().get();
        String[] words = step.split(" ", 2);
        int current = switch (words[0]) {
            case "planned" -> 0;
            case "backed_up" -> 1;
            case "pinned" -> 2;
            case "pulled", "restarting" -> 3;
            case "handoff" -> 4;
            default -> -1;
        };
        if (current < 0) {
            return List.of();
        }
        String restart = words[0].equals("restarting") && words.length == 2
                ? "Restart the services (now " + words[1] + ")" : "Restart the services, one at a time";
        List<String> labels = List.of("Back up the database", "Pin the new images", "Pull the new images", restart,
                "Hand over to the new updater");
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            steps.add(new Step(labels.get(i), i < current ? StepState.DONE : i == current ? StepState.CURRENT
                    : StepState.TODO));
        }
        return steps;
    }

    /**
     * An approval names the release approved; an apply names the release too, so that it installs
     * that one only (a failed release, or one the agent has not started on). Nothing that restarts
     * services is offered while an update or rollback runs.
     */
    static List<Action> actions(Optional<AgentStatus> agent) {
        List<Action> actions = new ArrayList<>();
        actions.add(action("check_now", Optional.empty(), Optional.empty()));
        if (agent.isEmpty()) {
            return actions;
        }
        AgentStatus status = agent.get();
        if (status.state() == AgentStatus.State.APPLYING || status.state() == AgentStatus.State.ROLLING_BACK) {
            return actions;
        }
        Optional<String> available = status.availableVersion();
        if (available.isPresent()) {
            actions.add(action(status.state() == AgentStatus.State.AWAITING_APPROVAL ? "approve" : "apply", available,
                    status.installedVersion()));
        }
        if (status.installedVersion().isPresent()) {
            actions.add(action("rollback", Optional.empty(), status.installedVersion()));
        }
        return actions;
    }

    /** The command {@code kind} as a button, with its confirmation when it restarts services. */
    static Action action(String kind, Optional<String> version, Optional<String> installed) {
        return new Action(kind, version, label(kind, version), confirmation(kind, version, installed));
    }

    /**
     * What an admin confirms before a command that restarts services (apply, approve, roll back);
     * empty for a check, which restarts nothing by itself.
     */
    static Optional<String> confirmation(String kind, Optional<String> version, Optional<String> installed) {
        String restarts = " The updater backs up the database first, then restarts the services one at a time:"
                + " Hivemind is unavailable for a few seconds while the server restarts.";
        return switch (kind) {
            case "apply", "approve" -> Optional.of("Install release " + version.orElse("offered by the channel") + "?"
                    + restarts);
            case "rollback" -> Optional.of("Return to the release installed before "
                    + installed.orElse("the current one") + "?" + restarts + " If the database schema changed since,"
                    + " the database is restored from the backup taken before the current release was installed"
                    + " (after a backup of its state now).");
            default -> Optional.empty();
        };
    }

    /** The label of a command, as on its button. */
    static String label(String kind, Optional<String> version) {
        return switch (kind) {
            case "check_now" -> "Check now";
            case "apply" -> version.map(v -> "Apply " + v).orElse("Apply");
            case "approve" -> version.map(v -> "Approve " + v).orElse("Approve");
            case "rollback" -> "Roll back";
            default -> kind;
        };
    }

    private static CommandLine line(UpdateStore.CommandView c) {
        String state = switch (c.state()) {
            case "queued" -> "Waiting for the updater";
            case "delivered" -> "The updater is working on it";
            case "succeeded" -> "Done";
            case "failed" -> "Failed";
            default -> c.state();
        };
        Tone tone = switch (c.state()) {
            case "queued", "delivered" -> Tone.ACTIVE;
            case "succeeded" -> Tone.GOOD;
            case "failed" -> Tone.BAD;
            default -> Tone.NEUTRAL;
        };
        return new CommandLine(c.id(), label(c.kind(), c.version()), c.requestedBy(), c.requestedAt(), state, tone,
                c.completedAt(), c.result());
    }

    private static HistoryLine line(UpdateStore.HistoryEntry e) {
        UpdateEventKind kind = UpdateEventKind.of(e.kind());
        return new HistoryLine(e.id(), e.at(), EventKind.label(kind), EventKind.tone(kind), e.fromVersion(), e.toVersion(),
                e.code(), e.message());
    }
}

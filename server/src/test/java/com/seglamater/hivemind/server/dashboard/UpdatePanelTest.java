package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.server.updates.UpdateStore;
import com.seglamater.hivemind.server.web.Page;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's rules about updates: what an admin may queue when, and how progress and history read. */
class UpdatePanelTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
    private static final Page<UpdateStore.HistoryEntry> NO_HISTORY = new Page<>(List.of(), Optional.empty());

    private static AgentStatus status(AgentStatus.State state, Optional<String> installed, Optional<String> available,
                                      Optional<String> step) {
        return new AgentStatus("canary", installed, state, step, Optional.of(AT), Optional.of("update_available"),
                available, Optional.empty(), false, Optional.empty(), Optional.empty(), AT);
    }

    private static UpdatePanel panel(AgentStatus status, boolean admin) {
        return UpdatePanel.of(Optional.of(new UpdateStore.ReceivedStatus(status, AT)), admin, List.of(), 0, NO_HISTORY);
    }

    private static List<String> labels(UpdatePanel panel) {
        return panel.actions().stream().map(UpdatePanel.Action::label).toList();
    }

    @Test
    void anAdminApprovesTheReleaseAwaitingApprovalByItsVersionAndIsAskedToConfirm() {
        UpdatePanel panel = panel(status(AgentStatus.State.AWAITING_APPROVAL, Optional.of("1.3.0"), Optional.of("1.4.0"),
                Optional.empty()), true);
        assertThat(labels(panel)).containsExactly("Check now", "Approve 1.4.0", "Roll back");
        UpdatePanel.Action approve = panel.actions().get(1);
        assertThat(approve.kind()).isEqualTo("approve");
        assertThat(approve.version()).contains("1.4.0");
        assertThat(approve.confirm()).hasValueSatisfying(text -> assertThat(text).contains("1.4.0", "restarts"));
        assertThat(panel.actions().get(0).confirm()).as("a check restarts nothing by itself").isEmpty();
        assertThat(panel.actions().get(2).confirm()).hasValueSatisfying(text -> assertThat(text).contains("1.3.0"));
    }

    @Test
    void anAvailableReleaseThatIsNotAwaitingApprovalIsAppliedByItsVersion() {
        UpdatePanel panel = panel(status(AgentStatus.State.IDLE, Optional.of("1.3.0"), Optional.of("1.4.0"),
                Optional.empty()), true);
        assertThat(labels(panel)).containsExactly("Check now", "Apply 1.4.0", "Roll back");
        assertThat(panel.actions().get(1).kind()).isEqualTo("apply");
        assertThat(panel.actions().get(1).version()).contains("1.4.0");
    }

    @Test
    void whileAnUpdateOrRollbackRunsOnlyACheckIsOffered() {
        for (AgentStatus.State state : List.of(AgentStatus.State.APPLYING, AgentStatus.State.ROLLING_BACK)) {
            UpdatePanel panel = panel(status(state, Optional.of("1.3.0"), Optional.of("1.4.0"), Optional.of("pulled")),
                    true);
            assertThat(labels(panel)).as("%s", state).containsExactly("Check now");
            assertThat(panel.updating()).isTrue();
            assertThat(panel.pollSeconds()).isEqualTo(UpdatePanel.BUSY_POLL_SECONDS);
        }
    }

    @Test
    void withoutAnInstalledReleaseThereIsNothingToRollBackTo() {
        assertThat(labels(panel(status(AgentStatus.State.IDLE, Optional.empty(), Optional.empty(), Optional.empty()),
                true))).containsExactly("Check now");
        assertThat(labels(UpdatePanel.of(Optional.empty(), true, List.of(), 0, NO_HISTORY)))
                .as("before the agent's first report").containsExactly("Check now");
    }

    @Test
    void nonAdminsGetNeitherActionsNorCommands() {
        UpdateStore.CommandView command = new UpdateStore.CommandView(7, "check_now", Optional.empty(), "alice", AT,
                "queued", Optional.empty(), 0, Optional.empty(), Optional.empty());
        UpdatePanel panel = UpdatePanel.of(Optional.of(new UpdateStore.ReceivedStatus(status(
                        AgentStatus.State.AWAITING_APPROVAL, Optional.of("1.3.0"), Optional.of("1.4.0"), Optional.empty()),
                AT)), false, List.of(command), 1, NO_HISTORY);
        assertThat(panel.actions()).isEmpty();
        assertThat(panel.commands()).isEmpty();
        assertThat(panel.pollSeconds()).as("an open command still means news soon").isEqualTo(
                UpdatePanel.BUSY_POLL_SECONDS);
    }

    @Test
    void progressFollowsTheJournalStepNamingTheServiceBeingRestarted() {
        UpdatePanel panel = panel(status(AgentStatus.State.APPLYING, Optional.of("1.3.0"), Optional.of("1.4.0"),
                Optional.of("restarting hivemind-server")), true);
        assertThat(panel.progress()).extracting(UpdatePanel.Step::state).containsExactly(UpdatePanel.StepState.DONE,
                UpdatePanel.StepState.DONE, UpdatePanel.StepState.DONE, UpdatePanel.StepState.CURRENT,
                UpdatePanel.StepState.TODO);
        assertThat(panel.progress().get(3).label()).isEqualTo("Restart the services (now hivemind-server)");
        assertThat(panel(status(AgentStatus.State.APPLYING, Optional.empty(), Optional.empty(), Optional.of("planned")),
                true).progress().getFirst().state()).isEqualTo(UpdatePanel.StepState.CURRENT);
        assertThat(panel(status(AgentStatus.State.APPLYING, Optional.empty(), Optional.empty(), Optional.of("handoff")),
                true).progress().getLast().state()).isEqualTo(UpdatePanel.StepState.CURRENT);
        assertThat(panel(status(AgentStatus.State.APPLYING, Optional.empty(), Optional.empty(),
                Optional.of("something new")), true).progress()).as("a step this server does not know").isEmpty();
        assertThat(panel(status(AgentStatus.State.IDLE, Optional.empty(), Optional.empty(), Optional.of("pulled")),
                true).progress()).as("not applying").isEmpty();
    }

    @Test
    void idleWithNothingOpenPollsSlowly() {
        assertThat(panel(status(AgentStatus.State.IDLE, Optional.of("1.3.0"), Optional.empty(), Optional.empty()), true)
                .pollSeconds()).isEqualTo(UpdatePanel.IDLE_POLL_SECONDS);
    }

    @Test
    void historyAndCommandsReadAsWords() {
        List<UpdateStore.HistoryEntry> history = List.of(
                new UpdateStore.HistoryEntry(3, "e3", AT, AT, "restarted-hivemind-server", Optional.of("1.3.0"),
                        Optional.of("1.4.0"), Optional.empty(), "hivemind-server runs 1.4.0"),
                new UpdateStore.HistoryEntry(2, "e2", AT, AT, "rolled-back", Optional.of("1.3.0"), Optional.of("1.4.0"),
                        Optional.of("health_timeout"), "back on 1.3.0"),
                new UpdateStore.HistoryEntry(1, "e1", AT, AT, "from-a-newer-agent", Optional.empty(), Optional.empty(),
                        Optional.empty(), "?"));
        UpdateStore.CommandView failed = new UpdateStore.CommandView(9, "approve", Optional.of("1.4.0"), "alice", AT,
                "failed", Optional.of(AT), 1, Optional.of(AT), Optional.of("release 1.4.0 is not available"));
        UpdatePanel panel = UpdatePanel.of(Optional.empty(), true, List.of(failed), 0,
                new Page<>(history, Optional.of(1L)));
        assertThat(panel.history()).extracting(UpdatePanel.HistoryLine::label)
                .containsExactly("Restarted hivemind-server", "Rolled back", "from-a-newer-agent");
        assertThat(panel.history()).extracting(UpdatePanel.HistoryLine::tone)
                .containsExactly(UpdatePanel.Tone.ACTIVE, UpdatePanel.Tone.BAD, UpdatePanel.Tone.NEUTRAL);
        UpdatePanel.CommandLine line = panel.commands().getFirst();
        assertThat(line.label()).isEqualTo("Approve 1.4.0");
        assertThat(line.state()).isEqualTo("Failed");
        assertThat(line.result()).contains("release 1.4.0 is not available");
        assertThat(panel.older()).contains(1L);
        assertThat(panel.reported()).isFalse();
        assertThat(panel.state()).isEqualTo("Unknown");
    }
}

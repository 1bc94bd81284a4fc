package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.health.HealthService;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.ui.Confirmation;
import com.seglamater.hivemind.server.ui.Flash;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.updates.UpdateCommands;
import com.seglamater.hivemind.server.updates.UpdateStore;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.FormBody;
import com.seglamater.hivemind.server.web.Page;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard ({@code /}), for every signed-in role: the instance's health and version, and
 * the updater agent's status, progress and history ({@link UpdatePanel}). Admins also queue
 * commands for the agent from it ({@code POST /dashboard/commands}, through the same
 * {@link UpdateCommands} as the API); those that restart services are confirmed first, on a page
 * of their own without JavaScript, in a dialog with it.
 * <p>
 * {@code /dashboard/live} serves the changing part of the page alone; the page's script fetches it
 * again while the tab is visible, as often as {@value #POLL_HEADER} says (every
 * {@value UpdatePanel#BUSY_POLL_SECONDS} s while an update or a command is under way, every
 * {@value UpdatePanel#IDLE_POLL_SECONDS} s otherwise). Short requests rather than a stream: nothing
 * holds a connection open through the reverse proxy, or keeps the server from draining before the
 * agent restarts it.
 */
public final class DashboardPages implements HttpService {

    static final int HISTORY_ON_DASHBOARD = 10;
    static final int COMMANDS_ON_DASHBOARD = 5;
    static final int HISTORY_PAGE = 50;
    /** How many milliseconds the script waits before it fetches the live part again. */
    static final String POLL_HEADER = "X-Poll-Interval";
    private static final HeaderName POLL = HeaderNames.create(POLL_HEADER);
    /** The commands that restart services, confirmed first. */
    private static final Set<String> RESTARTING = Set.of("apply", "approve", "rollback");

    private final Views views;
    private final HealthService health;
    private final UpdateStore updates;
    private final UpdateCommands commands;

    public DashboardPages(Views views, HealthService health, UpdateStore updates, UpdateCommands commands) {
        this.views = views;
        this.health = health;
        this.updates = updates;
        this.commands = commands;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::dashboard)
                .get("/dashboard/live", this::live)
                .get("/dashboard/history", this::history)
                .post("/dashboard/commands", this::command);
    }

    private void dashboard(ServerRequest req, ServerResponse res) {
        Principal viewer = Access.require(req, Role.VIEWER);
        views.page(req, res, "dashboard/dashboard.jte", parts(viewer));
    }

    private void live(ServerRequest req, ServerResponse res) {
        Principal viewer = Access.require(req, Role.VIEWER);
        Map<String, Object> parts = parts(viewer);
        res.header(POLL, Integer.toString(((UpdatePanel) parts.get("updates")).pollSeconds() * 1000));
        views.fragment(req, res, "dashboard/live.jte", parts);
    }

    private Map<String, Object> parts(Principal viewer) {
        boolean admin = viewer.role() == Role.ADMIN;
        Page<UpdateStore.HistoryEntry> history = Page.of(updates.history(HISTORY_ON_DASHBOARD + 1, Optional.empty()),
                HISTORY_ON_DASHBOARD, UpdateStore.HistoryEntry::id);
        UpdatePanel panel = UpdatePanel.of(updates.status(), admin,
                admin ? updates.commands(COMMANDS_ON_DASHBOARD) : List.of(), updates.openCommands(), history);
        return Map.of("instance", InstancePanel.of(health.health()), "updates", panel);
    }

    /** The whole update history, {@value #HISTORY_PAGE} events a page, newest first. */
    private void history(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.VIEWER);
        Page<UpdateStore.HistoryEntry> page = Page.of(updates.history(HISTORY_PAGE + 1, Params.id(req, "before")),
                HISTORY_PAGE, UpdateStore.HistoryEntry::id);
        views.page(req, res, "dashboard/history.jte", Map.of(
                "history", UpdatePanel.of(Optional.empty(), false, List.of(), 0, page).history(),
                "next", page.next(), "first", Params.id(req, "before").isEmpty()));
    }

    /**
     * Queues the admin's command and goes back to the dashboard, which shows its progress. A command
     * that restarts services and does not carry {@code confirmed=yes} gets the confirmation page
     * instead (the script's dialog sets the field when the admin agrees there).
     */
    private void command(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        FormBody form = FormBody.read(req);
        String kind = form.text("kind");
        Optional<String> version = form.first("version").filter(v -> !v.isEmpty());
        if (RESTARTING.contains(kind) && !Confirmation.given(form)) {
            Optional<String> installed = updates.status().flatMap(s -> s.status().installedVersion());
            UpdatePanel.Action action = UpdatePanel.action(kind, version, installed);
            List<Confirmation.Field> fields = new ArrayList<>(List.of(new Confirmation.Field("kind", kind)));
            version.ifPresent(v -> fields.add(new Confirmation.Field("version", v)));
            new Confirmation(action.label() + "?", action.confirm().orElseThrow(), "/dashboard/commands", fields,
                    action.label(), kind.equals("rollback"), "/").show(views, req, res);
            return;
        }
        String label = UpdatePanel.label(kind, version);
        Flash.Message message;
        try {
            UpdateStore.Queued queued = commands.queue(RequestInfo.of(req), admin.name(), kind, version);
            message = queued.created()
                    ? Flash.Message.success(label + ": queued as command " + queued.command().id()
                    + ". The updater picks it up within seconds; its progress and result show below.")
                    : Flash.Message.info(label + " is already waiting for the updater (command "
                    + queued.command().id() + ").");
        } catch (ApiException e) {
            message = Flash.Message.error(label + " was not queued: " + e.getMessage());
        }
        views.seeOther(req, res, "/", message);
    }
}

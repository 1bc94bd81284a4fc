package com.seglamater.hivemind.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.users.UserView;
import com.seglamater.hivemind.server.web.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hivemind-server users list}: the accounts, as an admin sees them on the users page, from
 * the configured (or embedded) database. It only reads: a database the server has never migrated
 * is reported, not changed.
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = ServerCli.Version.class,
        description = "List accounts (username, role, source, status, last seen, email), ordered by username.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed (also when none matched)", "1:the database could not be used",
                "2:usage or configuration error"})
final class UsersList implements Callable<Integer> {

    private static final int PAGE = 200;

    @Option(names = {"-q", "--query"}, paramLabel = "TEXT",
            description = "Only accounts whose username, email or display name contains TEXT (any case).")
    String query;

    @Option(names = "--role", description = "Only accounts of this role: admin, user or viewer.")
    String role;

    @Option(names = "--disabled", description = "Only disabled accounts.")
    boolean disabledOnly;

    @Option(names = "--json", description = "One JSON object per line, as the API's GET /api/v1/users items.")
    boolean json;

    @Option(names = "--env-file", paramLabel = "FILE", description = "Configuration file, as for the server.")
    String envFile;

    private final Map<String, String> env;
    private final PrintWriter out;

    UsersList(Map<String, String> env, PrintWriter out) {
        this.env = env;
        this.out = out;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        Optional<Role> only = role == null ? Optional.empty() : Optional.of(Role.parse(role).orElseThrow(() ->
                new CommandFailure(UsersCli.USAGE, "--role must be admin, user or viewer")));
        ServerConfig config = Commands.config(UsersCli.PROGRAM + " list", envFile, env, UsersCli.USAGE);
        List<User> users = read(config, only);
        if (json) {
            for (User user : users) {
                out.println(Json.MAPPER.writeValueAsString(UserView.of(user)));
            }
        } else {
            print(users);
        }
        return UsersCli.OK;
    }

    private List<User> read(ServerConfig config, Optional<Role> only) {
        try (Database database = Database.openBesideServer(config.database())) {
            UserStore store = new UserStore(database.client());
            List<User> all = new ArrayList<>();
            UserStore.Page page;
            do {
                page = store.search(Optional.ofNullable(query).filter(q -> !q.isEmpty()), only,
                        disabledOnly ? Optional.of(true) : Optional.empty(), PAGE, all.size());
                all.addAll(page.users());
            } while (!page.users().isEmpty() && all.size() < page.total());
            return all;
        } catch (IOException | SQLException e) {
            throw new CommandFailure(UsersCli.DATABASE, "cannot use the database: " + Commands.rootMessage(e));
        } catch (RuntimeException e) {
            if (Sql.unavailable(e)) {
                throw new CommandFailure(UsersCli.DATABASE, "the database is unreachable: " + Commands.rootMessage(e));
            }
            if (Commands.rootMessage(e).contains("relation \"users\" does not exist")) {
                throw new CommandFailure(UsersCli.DATABASE, "the database has no accounts yet (the server has never "
                        + "run on it): start the server once, or create the first account with users create");
            }
            throw e;
        }
    }

    private void print(List<User> users) {
        if (users.isEmpty()) {
            out.println("no accounts" + (query != null || role != null || disabledOnly ? " match" : ""));
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"USERNAME", "ROLE", "SOURCE", "STATUS", "LAST SEEN", "EMAIL"});
        for (User user : users) {
            rows.add(new String[] {user.username(), user.role().text(), user.source().text(),
                    user.disabled() ? "disabled" : "enabled",
                    user.lastSeenAt().map(at -> at.toString().substring(0, 16).replace('T', ' ')).orElse("never"),
                    user.email().orElse("")});
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println(users.size() + (users.size() == 1 ? " account" : " accounts"));
    }
}

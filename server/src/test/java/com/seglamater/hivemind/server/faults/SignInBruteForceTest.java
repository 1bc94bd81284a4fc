package com.seglamater.hivemind.server.faults;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded brute force of password sign-in from many client addresses (issue 15, faults). Every
 * address of 127.0.0.0/8 is this host's, so a socket bound to 127.0.0.N reaches the server from
 * its own client IP, and none of them is the trusted proxy (127.0.0.1): the server keys its limits
 * by the addresses themselves, as it would for clients on the internet. The limits are the
 * documented defaults, read from {@code docs/operators.md} ({@link #ACCOUNT}, {@link #PER_IP}); the
 * server's clock stands still, so no budget refills while a test spends it. What must hold:
 * <ul>
 *   <li>an account's limit stops guessing spread over 50 addresses at exactly its allowance, even
 *       for guesses in flight together and for the right password;</li>
 *   <li>one address is stopped at exactly its allowance whichever accounts it tries, and others
 *       are not;</li>
 *   <li>nothing tells whether an account exists: for an existing account, one that does not exist,
 *       a disabled one and one without a local password, each answer (status, headers but
 *       {@code Date}, body) is the same, refusal by refusal (timing is not asserted here).</li>
 * </ul>
 */
class SignInBruteForceTest {

    private static final Pattern DEFAULT = Pattern.compile("^\\| `(HIVEMIND_RATE_LIMIT_[A-Z_]+)` \\|.*?\\| `(\\d+)/(\\w+)` \\|");
    /** The documented default of {@code HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT}: attempts per account name. */
    private static int ACCOUNT;
    /** The documented default of {@code HIVEMIND_RATE_LIMIT_SIGNIN}: attempts per client address. */
    private static int PER_IP;
    private static final int ADDRESSES = 50;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> limits = documentedDefaults();
        assertThat(limits).containsKeys("HIVEMIND_RATE_LIMIT_API", "HIVEMIND_RATE_LIMIT_SIGNIN",
                "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT");
        ACCOUNT = Integer.parseInt(limits.get("HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT").split("/")[0]);
        PER_IP = Integer.parseInt(limits.get("HIVEMIND_RATE_LIMIT_SIGNIN").split("/")[0]);
        List<String> env = new ArrayList<>();
        limits.forEach((name, value) -> env.addAll(List.of(name, value)));
        server = TestServer.start(env.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** The rate limits' defaults as the operator guide's table of variables gives them ({@code N/PERIOD}). */
    private static Map<String, String> documentedDefaults() throws Exception {
        Map<String, String> limits = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "operators.md"))) {
            Matcher row = DEFAULT.matcher(line);
            if (row.find()) {
                limits.put(row.group(1), row.group(2) + "/" + row.group(3));
            }
        }
        return limits;
    }

    private static InetAddress address(int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RawHttp.Response attempt(InetAddress from, String username, String password) {
        try (RawHttp http = RawHttp.connectFrom(from, server.port())) {
            http.send(RawHttp.request("POST", "/api/v1/session", "127.0.0.1:" + server.port(),
                    TestServer.credentials(username, password)));
            return http.read(false);
        }
    }

    /** All an answer shows a client but the time it was sent: status, every other header, body. */
    private record Seen(int status, Map<String, List<String>> headers, String body) {

        static Seen of(RawHttp.Response response) {
            Map<String, List<String>> headers = new TreeMap<>();
            response.headers().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
            headers.remove("date");
            return new Seen(response.status(), headers, response.body());
        }

        String error() {
            return body.replaceAll(".*\"error\":\"([a-z_]+)\".*", "$1");
        }
    }

    private static long count(String sql) throws Exception {
        try (var c = server.database().connect(); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anAccountsLimitStopsGuessesFromFiftyAddressesAtItsAllowanceAndNoAnswerTellsWhetherItExists() throws Exception {
        server.createUser("bf-victim", "user");
        server.createUser("bf-disabled", "user");
        server.sql("UPDATE users SET disabled = true WHERE username = 'bf-disabled'");
        server.sql("INSERT INTO users (username, role, source, created_at, updated_at) "
                + "VALUES ('bf-sso', 'user', 'sso', now(), now())");
        List<String> accounts = List.of("bf-victim", "bf-ghost", "bf-disabled", "bf-sso");

        // Each address guesses once for each account, in turn: the buckets of all four fill alike.
        List<List<Seen>> rounds = new ArrayList<>();
        for (int i = 0; i < ADDRESSES; i++) {
            InetAddress from = address(0, 2 + i);
            List<Seen> round = new ArrayList<>();
            for (String account : accounts) {
                round.add(Seen.of(attempt(from, account, "guess number " + i)));
            }
            rounds.add(round);
        }

        for (int i = 0; i < ADDRESSES; i++) {
            List<Seen> round = rounds.get(i);
            Seen first = round.getFirst();
            for (int a = 1; a < accounts.size(); a++) {
                assertThat(round.get(a)).as("guess " + (i + 1) + ": " + accounts.get(a) + " answered as " + accounts.getFirst())
                        .isEqualTo(first);
            }
            if (i < ACCOUNT) {
                assertThat(first.status()).as("guess " + (i + 1) + ": " + first).isEqualTo(401);
                assertThat(first.error()).isEqualTo("invalid_credentials");
            } else {
                assertThat(first.status()).as("guess " + (i + 1) + ": " + first).isEqualTo(429);
                assertThat(first.error()).isEqualTo("rate_limited");
                assertThat(first.headers()).containsKey("retry-after");
            }
        }

        // The right password from yet another address: the account's budget is spent, so it is refused too.
        Seen right = Seen.of(attempt(address(0, 200), "bf-victim", TestServer.PASSWORD));
        assertThat(right.status()).as(right.toString()).isEqualTo(429);
        assertThat(right.headers()).doesNotContainKey("set-cookie");
        assertThat(count("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username = 'bf-victim'")).isZero();

        // The server saw the addresses as different clients, and checked exactly the allowance's worth.
        List<TestServer.AuditRow> failures = server.audit("auth.sign_in").stream()
                .filter(r -> "bf-victim".equals(r.target())).toList();
        assertThat(failures).hasSize(ACCOUNT).allMatch(r -> r.outcome().equals("failure"));
        assertThat(failures.stream().map(TestServer.AuditRow::clientIp).toList())
                .containsExactlyElementsOf(IntStream.range(0, ACCOUNT).mapToObj(i -> address(0, 2 + i).getHostAddress())
                        .toList());
        for (String account : accounts) {
            assertThat(server.audit("rate_limit.tripped").stream().filter(r -> ("account:" + account).equals(r.target())))
                    .as("one audit entry for the trip of " + account).hasSize(1);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void guessesInFlightTogetherFromFiftyAddressesGetNoMoreThanTheAllowance() throws Exception {
        server.createUser("bf-parallel", "user");
        int perAddress = 4;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < ADDRESSES; i++) {
                InetAddress from = address(2, 1 + i);
                for (int k = 0; k < perAddress; k++) {
                    String guess = "parallel guess " + i + "." + k;
                    answers.add(pool.submit(() -> attempt(from, "bf-parallel", guess).status()));
                }
            }
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(statuses).containsOnly(401, 429);
        assertThat(statuses.stream().filter(s -> s == 401)).as("guesses checked").hasSize(ACCOUNT);
        assertThat(server.audit("auth.sign_in").stream().filter(r -> "bf-parallel".equals(r.target())))
                .hasSize(ACCOUNT);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneAddressIsStoppedAtItsAllowanceWhicheverAccountsItTriesAndOthersAreNot() throws Exception {
        int extra = 5;
        for (int c = 1; c <= 3; c++) {
            InetAddress from = address(3, c);
            List<Seen> answers = new ArrayList<>();
            List<Boolean> existing = new ArrayList<>();
            for (int k = 0; k < PER_IP + extra; k++) {
                // A new account name every time, so that only the address's own limit can refuse.
                boolean exists = k % 2 == 0;
                String name = "bf-ip" + c + "-" + k;
                if (exists) {
                    server.createUser(name, "user");
                }
                answers.add(Seen.of(attempt(from, name, "guess " + k)));
                existing.add(exists);
            }
            assertThat(answers.subList(0, PER_IP)).as(from.getHostAddress()).allMatch(a -> a.status() == 401)
                    .as("an existing and an unknown account look the same").allMatch(a -> a.equals(answers.getFirst()));
            assertThat(answers.subList(PER_IP, PER_IP + extra)).as(from.getHostAddress()).allMatch(a -> a.status() == 429);
            // Refused by the address's limit, an existing and an unknown account look the same.
            for (int k = PER_IP; k + 1 < PER_IP + extra; k++) {
                assertThat(existing.get(k)).isNotEqualTo(existing.get(k + 1));
                assertThat(answers.get(k)).isEqualTo(answers.get(k + 1));
            }
            assertThat(server.audit("rate_limit.tripped").stream()
                    .filter(r -> ("sign-in:" + from.getHostAddress()).equals(r.target()))).hasSize(1);
        }
        // Another address signs in as usual, with the right password for an account the others tried.
        RawHttp.Response other = attempt(address(3, 9), "bf-ip1-0", TestServer.PASSWORD);
        assertThat(other.status()).as(other.toString()).isEqualTo(200);
    }
}

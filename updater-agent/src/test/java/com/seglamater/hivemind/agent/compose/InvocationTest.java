package com.seglamater.hivemind.agent.compose;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a command is and how messages name it, without running anything. */
class InvocationTest {

    private static final Path DIR = Path.of("/srv/stack");
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void longAndMultiLineArgumentsAreAbbreviatedAndTheProgramIsNamedByItsFileName() {
        String script = "echo one\nexit 3";

        assertThat(Invocation.abbreviate(List.of("/usr/bin/psql", "-c", script, "-c", "x".repeat(61), "y".repeat(60))))
                .isEqualTo("psql -c '<…>' -c '<…>' " + "y".repeat(60));
        assertThat(Invocation.abbreviate(List.of("psql", "-c", "a\rb"))).isEqualTo("psql -c '<…>'");
        assertThat(Invocation.of(List.of("/usr/bin/docker", "ps"), DIR, BOUND).program()).isEqualTo("docker");
    }

    @Test
    void aSummaryNamesTheCommandInsteadOfItsArgumentsButTheFineLogGetsTheWholeLine() {
        Invocation plain = Invocation.of(List.of("/usr/bin/docker", "compose", "-p", "hm", "exec", "db", "psql"), DIR, BOUND);
        Invocation named = plain.withSummary("docker compose exec db psql …");

        assertThat(plain.display()).isEqualTo("docker compose -p hm exec db psql");
        assertThat(named.display()).isEqualTo("docker compose exec db psql …");
        assertThat(named.commandLine()).isEqualTo("/usr/bin/docker compose -p hm exec db psql");
    }

    @Test
    void eachWitherChangesItsOwnPartOnly() {
        Invocation all = Invocation.of(List.of("cat"), DIR, BOUND).withEnvironment(Map.of("A", "b"))
                .withStdinFrom(Path.of("in")).withStdoutTo(Path.of("out")).withQuietStdout().withSummary("cat it");

        assertThat(all).isEqualTo(new Invocation(List.of("cat"), DIR, Map.of("A", "b"), Optional.of(Path.of("in")),
                Optional.of(Path.of("out")), BOUND, true, Optional.of("cat it")));
    }

    @Test
    void anEmptyCommandOrABoundThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> Invocation.of(List.of(), DIR, BOUND)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no command");
        assertThatThrownBy(() -> Invocation.of(List.of("true"), DIR, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive");
    }
}

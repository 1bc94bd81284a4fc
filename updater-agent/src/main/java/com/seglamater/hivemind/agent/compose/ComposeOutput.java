package com.seglamater.hivemind.agent.compose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@link CliCompose} reads from the docker and compose CLIs' plain-text output: pure
 * functions of the text. (Compose's configuration is read by {@link ComposeConfig}, docker's
 * inspection by {@link Inspection}.)
 */
final class ComposeOutput {

    /** The {@code docker ps --format} that {@link #containers} reads. */
    static final String CONTAINER_FORMAT = "{{.ID}} {{.Names}} {{.Label \"com.docker.compose.service\"}} "
            + "{{.Label \"com.docker.compose.config-hash\"}}";
    private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*");

    /** A container of the project (one-off containers excluded), with compose's labels. */
    record Container(String id, String name, String service, String configHash) {
    }

    private ComposeOutput() {
    }

    /** The lines that are not blank, stripped: a list of names or ids. */
    static List<String> lines(String stdout) {
        return stdout.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    /** {@code compose config --services}: the service names, in order, each once. */
    static Set<String> services(String stdout) {
        return new LinkedHashSet<>(lines(stdout));
    }

    /** {@code compose config --hash=*}: each service's definition hash, by service. */
    static Map<String, String> configHashes(String stdout) {
        Map<String, String> hashes = new HashMap<>();
        for (String line : lines(stdout)) {
            String[] f = line.split(" ");
            if (f.length == 2) {
                hashes.put(f[0], f[1]);
            }
        }
        return hashes;
    }

    /** {@code docker ps --format} {@value #CONTAINER_FORMAT}; lines that do not fit are passed over. */
    static List<Container> containers(String listing) {
        List<Container> containers = new ArrayList<>();
        for (String line : lines(listing)) {
            String[] f = line.split(" ");
            if (f.length >= 3 && ComposeCommands.CONTAINER_NAME.matcher(f[0]).matches()) {
                containers.add(new Container(f[0], f[1], f[2], f.length > 3 ? f[3] : ""));
            }
        }
        return containers;
    }

    /** psql's answer to the schema-version query: empty on a fresh database, else a Flyway version. */
    static Optional<String> schemaVersion(String answer) throws ComposeException {
        String version = answer.strip();
        if (version.isEmpty()) {
            return Optional.empty();
        }
        if (!VERSION.matcher(version).matches()) {
            throw new ComposeException("psql answered " + version.lines().findFirst().orElse("")
                    + " for the schema version, which is not a Flyway version");
        }
        return Optional.of(version);
    }
}

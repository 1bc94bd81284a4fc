package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server image's entrypoint (compose/images/bin/hivemind-server) with the image's own
 * JAVA_DEFAULT_OPTS, read from server.Dockerfile, and a stand-in {@code java} that prints the
 * arguments it was given, one per line.
 */
class ServerEntrypointTest {

    private static final Path IMAGES = Path.of("..", "compose", "images").toAbsolutePath().normalize();
    private static final Pattern DEFAULT_OPTS = Pattern.compile("JAVA_DEFAULT_OPTS=\"([^\"]*)\"");

    private static String imageOptions() throws Exception {
        Matcher m = DEFAULT_OPTS.matcher(Files.readString(IMAGES.resolve("server.Dockerfile")));
        assertThat(m.find()).as("server.Dockerfile sets JAVA_DEFAULT_OPTS").isTrue();
        return m.group(1);
    }

    private static List<String> javaArguments(Path dir, String javaOpts) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Shell.Result result = Shell.in(dir).withEnv(Map.of("PATH", bin + ":/usr/bin:/bin",
                "JAVA_DEFAULT_OPTS", imageOptions(), "JAVA_OPTS", javaOpts))
                .run(Duration.ofSeconds(20), IMAGES.resolve("bin/hivemind-server").toString(), "users", "list").orFail();
        return result.out().lines().toList();
    }

    @Test
    void theImageOptionsComeFirstThenTheOperatorsThenTheJarAndTheArguments(@TempDir Path dir) throws Exception {
        List<String> args = javaArguments(dir, "-Xmx512m");
        assertThat(args).contains("-XX:AOTCache=/opt/hivemind/hivemind-server.aot", "-Xmx128m");
        assertThat(args.subList(args.size() - 5, args.size()))
                .containsExactly("-Xmx512m", "-jar", "/opt/hivemind/hivemind-server.jar", "users", "list");
    }

    @Test
    void aClassDataOptionOfTheOperatorsLeavesTheAotCacheOutInsteadOfStoppingTheServer(@TempDir Path dir) throws Exception {
        // The JVM refuses -XX:AOTCache together with any of these: the server would not start at all.
        for (String option : List.of("-Xshare:off", "-Xshare:auto", "-XX:SharedArchiveFile=/tmp/mine.jsa")) {
            List<String> args = javaArguments(dir, "-Xmx256m " + option);
            assertThat(args).as(option).contains(option, "-Xmx128m", "-Xmx256m")
                    .noneMatch(a -> a.startsWith("-XX:AOTCache="));
        }
        assertThat(javaArguments(dir, "-XX:AOTMode=off")).as("the cache's own switch keeps the option")
                .contains("-XX:AOTCache=/opt/hivemind/hivemind-server.aot", "-XX:AOTMode=off");
    }
}

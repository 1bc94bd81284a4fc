package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.config.DotEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ChannelCommandTest {

    /** An operator's file: comments, blank lines, quoting, a non-UTF-8 byte, no edit expected outside line 4. */
    private static final byte[] BEFORE = ("# Hivemind\n"
            + "DB_PASSWORD='s3cret # not a comment'\n"
            + "\n"
            + "HIVEMIND_UPDATE_CHANNEL=canary\n"
            + "# HIVEMIND_UPDATE_CHANNEL=stable\n"
            + "HIVEMIND_GROUP_ADMIN=\"admins\"   \n"
            + "LEGACY=caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1);

    private final ShortTempDir dir = new ShortTempDir();
    private final Path envFile = dir.resolve(".env");
    private final Updater updater = Updater.in(dir.path());

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    @Test
    void setsTheChannelOnItsOwnLineAndLeavesEveryOtherByteAlone() throws IOException {
        Files.write(envFile, BEFORE);

        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Channel set to stable in " + envFile
                + ". Run `docker compose up -d` in the stack directory to apply it.\n");
        String before = new String(BEFORE, StandardCharsets.ISO_8859_1);
        byte[] expected = before.replace("HIVEMIND_UPDATE_CHANNEL=canary\n", "HIVEMIND_UPDATE_CHANNEL=stable\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(Files.readAllBytes(envFile)).isEqualTo(expected);
        assertThat(leftovers()).as("no temp file left").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rw-rw----", "r--------", "rw-r--r--", "rw-------"})
    void keepsTheFilesPermissions(String mode) throws IOException {
        Files.write(envFile, BEFORE);
        Files.setPosixFilePermissions(envFile, PosixFilePermissions.fromString(mode));

        assertThat(updater.run("channel", "stable").exitCode()).isZero();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo(mode);
        assertThat(new String(Files.readAllBytes(envFile), StandardCharsets.ISO_8859_1))
                .contains("\nHIVEMIND_UPDATE_CHANNEL=stable\n");
    }

    @Test
    void keepsTheFilesOwnerWhenRunAsRoot() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file away");
        Files.write(envFile, BEFORE);
        UserPrincipal nobody = envFile.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(envFile, nobody);

        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.getOwner(envFile)).isEqualTo(nobody);
    }

    @Test
    void editsTheTargetOfASymbolicLinkAndKeepsTheLink() throws Exception {
        Path real = Files.writeString(dir.resolve("real.env"), "A=1\nHIVEMIND_UPDATE_CHANNEL=canary\n");
        Files.createSymbolicLink(envFile, real.getFileName());

        assertThat(updater.run("channel", "stable").exitCode()).isZero();

        assertThat(Files.isSymbolicLink(envFile)).isTrue();
        assertThat(DotEnv.read(real)).containsEntry(AgentConfig.CHANNEL, "stable").containsEntry("A", "1");
    }

    @Test
    void appendsTheVariableWhenTheFileDoesNotSetIt() throws IOException {
        Files.writeString(envFile, "# HIVEMIND_UPDATE_CHANNEL=beta\nDB_PASSWORD=x\n");

        InProcessCli.Result r = updater.run("channel", "beta", "--json");

        assertThat(r.exitCode()).isZero();
        assertThat(Files.readString(envFile))
                .isEqualTo("# HIVEMIND_UPDATE_CHANNEL=beta\nDB_PASSWORD=x\nHIVEMIND_UPDATE_CHANNEL=beta\n");
        JsonNode json = AdminJson.mapper().readTree(r.out());
        assertThat(json.get("channel").asText()).isEqualTo("beta");
        assertThat(json.get("envFile").asText()).isEqualTo(envFile.toString());
        assertThat(json.get("changed").asBoolean()).isTrue();
        assertThat(json.get("appended").asBoolean()).isTrue();
        assertThat(json.get("line").asInt()).isEqualTo(3);
    }

    @Test
    void refusesAVariableSetTwiceAndLeavesTheFileAlone() throws IOException {
        byte[] twice = "HIVEMIND_UPDATE_CHANNEL=canary\nA=1\nexport HIVEMIND_UPDATE_CHANNEL=beta\n"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(envFile, twice);

        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("hivemind-updater: HIVEMIND_UPDATE_CHANNEL: set "
                + "more than once in '" + envFile + "' (lines 1, 3); keep one of them, then run this again");
        assertThat(Files.readAllBytes(envFile)).isEqualTo(twice);
    }

    @Test
    void refusesAnInvalidNameAndLeavesTheFileAlone() throws IOException {
        Files.write(envFile, BEFORE);

        for (String bad : new String[] {"Stable", "../stable", "stable beta", "1st", "a".repeat(33), ""}) {
            InProcessCli.Result r = updater.run("channel", bad);

            assertThat(r.exitCode()).as(bad).isEqualTo(ExitCode.USAGE);
            assertThat(r.errLines()).as(bad).singleElement().asString()
                    .startsWith("hivemind-updater: channel '" + bad + "' is not valid");
        }
        assertThat(Files.readAllBytes(envFile)).isEqualTo(BEFORE);
    }

    @Test
    void aMissingEnvFileIsAConfigurationErrorNamingIt() {
        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("hivemind-updater: HIVEMIND_ENV_FILE: '" + envFile + "' does not exist");
        assertThat(envFile).doesNotExist();
    }

    @Test
    void settingTheChannelItAlreadyNamesDoesNotRewriteTheFile() throws IOException {
        Files.writeString(envFile, "HIVEMIND_UPDATE_CHANNEL=stable\n");
        Files.setLastModifiedTime(envFile, java.nio.file.attribute.FileTime.fromMillis(0));

        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("Channel already set to stable in " + envFile);
        assertThat(Files.getLastModifiedTime(envFile).toMillis()).isZero();
    }

    @Test
    void warnsWhenTheEnvironmentOverridesTheFile() throws IOException {
        Files.write(envFile, BEFORE);
        updater.env(AgentConfig.CHANNEL, "canary");

        InProcessCli.Result r = updater.run("channel", "stable");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).contains("HIVEMIND_UPDATE_CHANNEL=canary in this environment overrides the file");
    }

    @Test
    void withoutANameShowsTheChannelInEffectAndWhatTheFileSays() throws IOException {
        Files.writeString(envFile, "HIVEMIND_UPDATE_CHANNEL=stable\n");

        InProcessCli.Result fromDefault = updater.run("channel");
        assertThat(fromDefault.exitCode()).isZero();
        assertThat(fromDefault.out()).isEqualTo("channel in effect: canary (the default)\n"
                + "env file " + envFile + ": HIVEMIND_UPDATE_CHANNEL=stable\n"
                + "The env file names another channel: run `docker compose up -d` in the stack directory to apply it.\n");

        InProcessCli.Result fromFile = updater.run("channel", "--env-file", envFile.toString());
        assertThat(fromFile.out()).isEqualTo("channel in effect: stable (from " + envFile + ")\n"
                + "env file " + envFile + ": HIVEMIND_UPDATE_CHANNEL=stable\n");

        updater.env(AgentConfig.CHANNEL, "beta");
        JsonNode json = AdminJson.mapper().readTree(updater.run("channel", "--json", "--env-file", envFile.toString()).out());
        assertThat(json.get("channel").asText()).isEqualTo("beta");
        assertThat(json.get("source").asText()).isEqualTo("environment");
        assertThat(json.get("envFile").asText()).isEqualTo(envFile.toString());
        assertThat(json.get("envFileStatus").asText()).isEqualTo("set");
        assertThat(json.get("envFileChannel").asText()).isEqualTo("stable");
    }

    @Test
    void withoutANameAMissingEnvFileIsReportedNotAnError() throws IOException {
        InProcessCli.Result r = updater.run("channel", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode json = AdminJson.mapper().readTree(r.out());
        assertThat(json.get("envFileStatus").asText()).isEqualTo("missing");
        assertThat(json.get("envFileChannel").isNull()).isTrue();
        assertThat(json.get("source").asText()).isEqualTo("default");
    }

    private java.util.List<Path> leftovers() throws IOException {
        try (var files = Files.list(dir.path())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}

package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class AdminTokenTest {

    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void eachStartWritesAFreshOwnerOnlyTokenOverTheOldOne() throws Exception {
        Path file = dir.resolve("run/hivemind/admin.token");
        AdminToken first = AdminToken.generate(random);
        first.writeTo(file);
        String firstValue = Files.readString(file);

        AdminToken second = AdminToken.generate(random);
        second.writeTo(file);
        String secondValue = Files.readString(file);

        assertThat(secondValue).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(firstValue);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(second.matches(secondValue)).isTrue();
        assertThat(second.matches(firstValue)).isFalse();
        try (var files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void anOldTokenFileWithLooserPermissionsIsReplacedByAnOwnerOnlyOne() throws Exception {
        Path file = dir.resolve("admin.token");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        AdminToken.generate(random).writeTo(file);
        assertThat(Files.readString(file)).isNotEqualTo("old");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsAConfigurationErrorNamingTheVariable() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> AdminToken.generate(random).writeTo(notADirectory.resolve("sub/admin.token")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("HIVEMIND_ADMIN_TOKEN_FILE");
                    assertThat(e.getMessage()).startsWith("HIVEMIND_ADMIN_TOKEN_FILE: directory '")
                            .contains("cannot be created").doesNotContain("\n");
                });
    }

    @Test
    void theEarlyCheckCreatesTheDirectoryAndLeavesAnExistingTokenFileAsItIs() throws Exception {
        Path missing = dir.resolve("run/hivemind/admin.token");
        AdminToken.requireWritableDirectory(missing);
        assertThat(missing.getParent()).isDirectory();
        assertThat(missing).doesNotExist();

        Path running = dir.resolve("admin.token");
        AdminToken.generate(random).writeTo(running);
        String runningServersToken = Files.readString(running);
        AdminToken.requireWritableDirectory(running);
        assertThat(Files.readString(running)).isEqualTo(runningServersToken);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no probe file left behind").containsExactlyInAnyOrder(dir.resolve("run"), running);
        }
    }

    @Test
    void theEarlyCheckRefusesADirectoryThatCannotBeCreatedNamingTheVariable() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> AdminToken.requireWritableDirectory(notADirectory.resolve("admin.token")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.variable()).isEqualTo("HIVEMIND_ADMIN_TOKEN_FILE");
                    assertThat(e.getMessage()).startsWith("HIVEMIND_ADMIN_TOKEN_FILE: directory '")
                            .contains("cannot be created").doesNotContain("\n");
                });
    }

    @Test
    void theEarlyCheckRefusesADirectoryItCannotWriteInNamingTheVariable() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeFalse(Files.isWritable(readOnly), "permissions do not bind this user (root)");
        assertThatThrownBy(() -> AdminToken.requireWritableDirectory(readOnly.resolve("admin.token")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.getMessage())
                        .startsWith("HIVEMIND_ADMIN_TOKEN_FILE: cannot write in directory '"));
    }

    @Test
    void matchesOnlyTheExactTokenAndNeverPrintsIt() throws Exception {
        Path file = dir.resolve("admin.token");
        AdminToken token = AdminToken.generate(random);
        token.writeTo(file);
        String value = Files.readString(file);
        assertThat(token.matches(value)).isTrue();
        assertThat(token.matches(value.substring(1))).isFalse();
        assertThat(token.matches(value + " ")).isFalse();
        assertThat(token.matches("")).isFalse();
        assertThat(token.toString()).doesNotContain(value);
    }
}

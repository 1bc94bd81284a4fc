package com.seglamater.hivemind.model.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoggingFilesTest {

    @Test
    void recordsGoToTheNewestFileOfTheProgramOneLineEach(@TempDir Path dir) throws Exception {
        Handler handler = Logging.toFiles(dir, "hivemind-test");
        try {
            Logger.getLogger("files.test").warning("first line\nsecond part");
        } finally {
            LogManager.getLogManager().getLogger("").removeHandler(handler);
            handler.close();
        }
        String text = Files.readString(dir.resolve("hivemind-test.0.log"), StandardCharsets.UTF_8);
        assertThat(text).contains("WARNING files.test: first line").hasLineCount(1);
    }

    @Test
    void aMissingDirectoryIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> Logging.toFiles(dir.resolve("missing"), "hivemind-test"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aMissingDirectoryNamedByAnOperatorIsAConfigurationErrorNamingTheVariable(@TempDir Path dir) {
        assertThatThrownBy(() -> Logging.toFiles(dir.resolve("missing"), "hivemind-test", "HIVEMIND_LOG_DIR"))
                .isInstanceOf(com.seglamater.hivemind.model.config.ConfigException.class)
                .hasMessageStartingWith("HIVEMIND_LOG_DIR: cannot write log files in '")
                .hasMessageNotContaining("\n");
    }
}

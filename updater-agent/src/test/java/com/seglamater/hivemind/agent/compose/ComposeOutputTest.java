package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.compose.ComposeOutput.Container;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CLIs' plain-text answers read without running anything. */
class ComposeOutputTest {

    @Test
    void serviceNamesKeepTheirOrderWithoutBlankLinesOrRepeats() {
        assertThat(ComposeOutput.services("hivemind-server\n\n  hivemind-db \nhivemind-server\r\nhivemind-updater\n"))
                .containsExactly("hivemind-server", "hivemind-db", "hivemind-updater");
        assertThat(ComposeOutput.services("\n")).isEmpty();
    }

    @Test
    void containersAreReadByTheirFormatAndLinesThatDoNotFitArePassedOver() {
        String listing = """
                0123456789ab hm-server-1 hivemind-server 1f2e
                abcdef012345 0123456789ab_hm-server-1 hivemind-server
                -bad hm-db-1 hivemind-db 99
                lonely
                """;

        assertThat(ComposeOutput.containers(listing)).containsExactly(
                new Container("0123456789ab", "hm-server-1", "hivemind-server", "1f2e"),
                new Container("abcdef012345", "0123456789ab_hm-server-1", "hivemind-server", ""));
    }

    @Test
    void configHashesAreReadByServiceAndOtherLinesIgnored() {
        assertThat(ComposeOutput.configHashes("hivemind-db 3a4b\nhivemind-server 5c6d\nnot a hash line\n\n"))
                .containsOnly(Map.entry("hivemind-db", "3a4b"), Map.entry("hivemind-server", "5c6d"));
    }

    @Test
    void theSchemaVersionIsAFlywayVersionOrNothingOnAFreshDatabase() throws Exception {
        assertThat(ComposeOutput.schemaVersion("12.3\n")).contains("12.3");
        assertThat(ComposeOutput.schemaVersion(" \n")).isEmpty();
        assertThatThrownBy(() -> ComposeOutput.schemaVersion("ERROR: boom\nmore"))
                .isInstanceOf(ComposeException.class)
                .hasMessage("psql answered ERROR: boom for the schema version, which is not a Flyway version");
    }
}

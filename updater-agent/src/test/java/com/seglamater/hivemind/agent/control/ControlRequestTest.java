package com.seglamater.hivemind.agent.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format of control requests is what ControlServer documents. */
class ControlRequestTest {

    private final ObjectMapper json = AdminJson.mapper();

    @Test
    void eachRequestIsWrittenWithItsOperationName() throws Exception {
        assertThat(json.writeValueAsString(new ControlRequest.Check(true))).isEqualTo("{\"operation\":\"check\",\"apply\":true}");
        assertThat(json.writeValueAsString(new ControlRequest.Approve("1.2.3")))
                .isEqualTo("{\"operation\":\"approve\",\"version\":\"1.2.3\"}");
        assertThat(json.writeValueAsString(new ControlRequest.Rollback())).isEqualTo("{\"operation\":\"rollback\"}");
        assertThat(json.writeValueAsString(new ControlRequest.Backup())).isEqualTo("{\"operation\":\"backup\"}");
        assertThat(json.writeValueAsString(new ControlRequest.Downgrade())).isEqualTo("{\"operation\":\"downgrade\"}");
        assertThat(json.writeValueAsString(new ControlRequest.Restore("/b/1.dump")))
                .isEqualTo("{\"operation\":\"restore\",\"file\":\"/b/1.dump\"}");
    }

    @Test
    void eachRequestReadsBackAsItself() throws Exception {
        for (ControlRequest r : new ControlRequest[] {new ControlRequest.Check(false), new ControlRequest.Check(true),
                new ControlRequest.Approve("2.0.0-rc.1"), new ControlRequest.Rollback(), new ControlRequest.Backup(),
                new ControlRequest.Downgrade(), new ControlRequest.Restore("/var/lib/hivemind/backups/x.dump")}) {
            assertThat(json.readValue(json.writeValueAsBytes(r), ControlRequest.class)).isEqualTo(r);
        }
    }

    @Test
    void theOperationNameMatchesTheResultsOperation() {
        assertThat(new ControlRequest.Check(true).operation()).isEqualTo("check");
        assertThat(new ControlRequest.Approve("1.0.0").operation()).isEqualTo("approve");
        assertThat(new ControlRequest.Rollback().operation()).isEqualTo("rollback");
        assertThat(new ControlRequest.Backup().operation()).isEqualTo("backup");
        assertThat(new ControlRequest.Restore("/x").operation()).isEqualTo("restore");
        assertThat(new ControlRequest.Downgrade().operation()).isEqualTo("downgrade");
    }

    @Test
    void aRestoreCarriesAnAbsolutePath() {
        assertThat(ControlRequest.Restore.of(Path.of("a/../b.dump")).file())
                .isEqualTo(Path.of("b.dump").toAbsolutePath().toString());
        assertThatThrownBy(() -> new ControlRequest.Restore("b.dump")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anApprovalNamesASemanticVersion() {
        assertThatThrownBy(() -> new ControlRequest.Approve("latest")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ControlRequest.Approve(null)).isInstanceOf(NullPointerException.class);
    }
}

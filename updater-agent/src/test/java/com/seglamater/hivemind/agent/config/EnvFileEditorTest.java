package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure edit: which line is the variable, and what the new line looks like. */
class EnvFileEditorTest {

    private static final String VAR = "HIVEMIND_UPDATE_CHANNEL";

    private static EnvFileEditor.Edit edit(String content) throws ConfigException {
        return EnvFileEditor.edit(content, VAR, "stable", "/etc/hivemind/.env");
    }

    @Test
    void replacesOnlyTheValueOfTheOneLineThatSetsIt() throws ConfigException {
        EnvFileEditor.Edit e = edit("# channel\nDB_PASSWORD=x y\nHIVEMIND_UPDATE_CHANNEL=canary\nB=2\n");

        assertThat(e.content()).isEqualTo("# channel\nDB_PASSWORD=x y\nHIVEMIND_UPDATE_CHANNEL=stable\nB=2\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.appended()).isFalse();
        assertThat(e.changed()).isTrue();
    }

    @Test
    void keepsIndentationExportSpacingAroundTheEqualsSignAndATrailingComment() throws ConfigException {
        assertThat(edit("  export HIVEMIND_UPDATE_CHANNEL = canary # the alpha channel\n").content())
                .isEqualTo("  export HIVEMIND_UPDATE_CHANNEL =stable # the alpha channel\n");
        assertThat(edit("HIVEMIND_UPDATE_CHANNEL='canary' # quoted\n").content())
                .isEqualTo("HIVEMIND_UPDATE_CHANNEL=stable # quoted\n");
        assertThat(edit("HIVEMIND_UPDATE_CHANNEL=\"can\\\"ary\"\n").content())
                .isEqualTo("HIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThat(edit("HIVEMIND_UPDATE_CHANNEL=\n").content()).isEqualTo("HIVEMIND_UPDATE_CHANNEL=stable\n");
    }

    @Test
    void keepsWindowsLineEndings() throws ConfigException {
        assertThat(edit("A=1\r\nHIVEMIND_UPDATE_CHANNEL=canary\r\nB=2\r\n").content())
                .isEqualTo("A=1\r\nHIVEMIND_UPDATE_CHANNEL=stable\r\nB=2\r\n");
        assertThat(edit("A=1\r\n").content()).isEqualTo("A=1\r\nHIVEMIND_UPDATE_CHANNEL=stable\r\n");
    }

    @Test
    void aCommentedOutAssignmentIsNotTheVariable() throws ConfigException {
        EnvFileEditor.Edit e = edit("# HIVEMIND_UPDATE_CHANNEL=beta\n  #HIVEMIND_UPDATE_CHANNEL=x\nA=1\n");

        assertThat(e.content()).isEqualTo("# HIVEMIND_UPDATE_CHANNEL=beta\n  #HIVEMIND_UPDATE_CHANNEL=x\nA=1\n"
                + "HIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThat(e.appended()).isTrue();
        assertThat(e.line()).isEqualTo(4);
    }

    @Test
    void otherVariablesThatStartWithTheSameNameAreNotIt() throws ConfigException {
        assertThat(edit("HIVEMIND_UPDATE_CHANNEL_OLD=beta\nXHIVEMIND_UPDATE_CHANNEL=beta\n").appended()).isTrue();
    }

    @Test
    void appendsKeepingTheFilesFinalNewlineOrItsAbsence() throws ConfigException {
        assertThat(edit("A=1\n").content()).isEqualTo("A=1\nHIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThat(edit("A=1").content()).isEqualTo("A=1\nHIVEMIND_UPDATE_CHANNEL=stable");
        assertThat(edit("").content()).isEqualTo("HIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThat(edit("").line()).isEqualTo(1);
        assertThat(edit("A=1").line()).isEqualTo(2);
    }

    @Test
    void aLineThatAlreadySaysItIsUnchanged() throws ConfigException {
        EnvFileEditor.Edit e = edit("HIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThat(e.changed()).isFalse();
        assertThat(e.content()).isEqualTo("HIVEMIND_UPDATE_CHANNEL=stable\n");
    }

    @Test
    void refusesAVariableSetMoreThanOnceNamingTheLines() {
        assertThatThrownBy(() -> edit("HIVEMIND_UPDATE_CHANNEL=canary\nA=1\n# x\nexport HIVEMIND_UPDATE_CHANNEL=beta\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HIVEMIND_UPDATE_CHANNEL: set more than once in '/etc/hivemind/.env' (lines 1, 4); "
                        + "keep one of them, then run this again");
    }

    @Test
    void aLineInsideAQuotedValueIsNotTheVariable() throws ConfigException {
        String content = "NOTE='moved:\nHIVEMIND_UPDATE_CHANNEL=beta\n'\nHIVEMIND_UPDATE_CHANNEL=canary\n";

        EnvFileEditor.Edit e = edit(content);

        assertThat(e.content()).isEqualTo(content.replace("=canary", "=stable"));
        assertThat(e.line()).isEqualTo(4);
    }

    @Test
    void aQuotedValueOverSeveralLinesIsReplacedWhole() throws ConfigException {
        assertThat(edit("A=1\nHIVEMIND_UPDATE_CHANNEL=\"can\nary\" # two lines\nB=2\n").content())
                .isEqualTo("A=1\nHIVEMIND_UPDATE_CHANNEL=stable # two lines\nB=2\n");
    }

    @Test
    void aVariableReferenceElsewhereDoesNotStopTheEditButABrokenLineDoes() throws ConfigException {
        assertThat(edit("DB_PASSWORD=${SECRET}\nHIVEMIND_UPDATE_CHANNEL=canary\n").content())
                .isEqualTo("DB_PASSWORD=${SECRET}\nHIVEMIND_UPDATE_CHANNEL=stable\n");
        assertThatThrownBy(() -> edit("A=1\nB='open\nHIVEMIND_UPDATE_CHANNEL=canary\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("HIVEMIND_ENV_FILE: line 2 of '/etc/hivemind/.env': B: unterminated single quote; "
                        + "fix that line, then run this again");
    }

    @Test
    void keepsAByteOrderMark() throws ConfigException {
        String bom = "\u00EF\u00BB\u00BF"; // as the editor sees the file: one char a byte
        assertThat(edit(bom + "HIVEMIND_UPDATE_CHANNEL=canary\n").content())
                .isEqualTo(bom + "HIVEMIND_UPDATE_CHANNEL=stable\n");
    }

    @Test
    void refusesValuesThatWouldNotReadBackAsThemselves() {
        for (String bad : new String[] {"a b", "a#b", "'x'", "x\ny", "$HOME"}) {
            assertThatThrownBy(() -> EnvFileEditor.edit("", VAR, bad, "f")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> EnvFileEditor.edit("", "1BAD", "x", "f")).isInstanceOf(IllegalArgumentException.class);
    }
}

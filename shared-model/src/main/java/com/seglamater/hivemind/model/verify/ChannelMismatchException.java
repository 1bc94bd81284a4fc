package com.seglamater.hivemind.model.verify;

/** Rule 3: a statement published to another channel (a mix-and-match or wrong-software attempt). */
public final class ChannelMismatchException extends StatementRejectedException {

    private final String expected;
    private final String actual;

    public ChannelMismatchException(String expected, String actual) {
        super(3, "wrong_channel", "statement is for channel '" + actual + "', this agent follows '" + expected + "'");
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}

package com.seglamater.hivemind.model.verify;

/** Rule 3: the signed bytes are not a valid schema-1 statement. */
public final class MalformedStatementException extends StatementRejectedException {

    private final String reason;

    public MalformedStatementException(String reason) {
        super(3, "malformed_statement", "statement is malformed: " + reason);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

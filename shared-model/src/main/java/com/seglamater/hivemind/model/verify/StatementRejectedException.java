package com.seglamater.hivemind.model.verify;

/**
 * A release statement was refused. One subclass per acceptance rule of DESIGN.md ("The agent
 * accepts a statement only if…"), carrying the facts of the refusal; {@link #code()} is a stable
 * identifier for reports and the UI.
 */
public abstract sealed class StatementRejectedException extends Exception
        permits OversizedInputException, SignatureRejectedException, MalformedStatementException,
        ChannelMismatchException, UnknownServiceException, ExpiredStatementException,
        SequenceRollbackException, ConflictingStatementException, VersionRollbackException,
        MinimumVersionException {

    private final int rule;
    private final String code;

    protected StatementRejectedException(int rule, String code, String message) {
        super(message);
        this.rule = rule;
        this.code = code;
    }

    /** The DESIGN.md acceptance rule (1–6) this refusal enforces. */
    public int rule() {
        return rule;
    }

    /** A stable, machine-readable reason such as {@code sequence_rollback}. */
    public String code() {
        return code;
    }
}

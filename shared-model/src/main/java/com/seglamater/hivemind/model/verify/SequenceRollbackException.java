package com.seglamater.hivemind.model.verify;

/** Rule 5: an older statement than the one already trusted is offered (replay). */
public final class SequenceRollbackException extends StatementRejectedException {

    private final long trusted;
    private final long offered;

    public SequenceRollbackException(long trusted, long offered) {
        super(5, "sequence_rollback", "statement has sequence " + offered + ", older than the trusted sequence " + trusted);
        this.trusted = trusted;
        this.offered = offered;
    }

    public long trusted() {
        return trusted;
    }

    public long offered() {
        return offered;
    }
}

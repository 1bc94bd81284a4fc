package com.seglamater.hivemind.model.verify;

/** Rule 1: a download is larger than its bound. */
public final class OversizedInputException extends StatementRejectedException {

    private final String artifact;
    private final long limit;
    private final long actual;

    public OversizedInputException(String artifact, long limit, long actual) {
        super(1, "oversized", artifact + " is " + actual + " bytes, more than the limit of " + limit);
        this.artifact = artifact;
        this.limit = limit;
        this.actual = actual;
    }

    public String artifact() {
        return artifact;
    }

    public long limit() {
        return limit;
    }

    public long actual() {
        return actual;
    }
}

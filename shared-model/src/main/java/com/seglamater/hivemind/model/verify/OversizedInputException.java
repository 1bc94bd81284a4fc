package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.files.ByteLimit;

/**
 * Rule 1: a download is larger than its bound. Only the bound is a fact: a bounded read stops at
 * limit + 1 bytes, so how large the file really is stays unknown and is not reported.
 */
public final class OversizedInputException extends StatementRejectedException {

    private final String artifact;
    private final long limit;

    public OversizedInputException(String artifact, long limit) {
        super(1, "oversized", ByteLimit.exceeded(artifact, limit));
        this.artifact = artifact;
        this.limit = limit;
    }

    public String artifact() {
        return artifact;
    }

    public long limit() {
        return limit;
    }
}

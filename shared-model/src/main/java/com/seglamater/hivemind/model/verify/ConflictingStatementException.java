package com.seglamater.hivemind.model.verify;

/**
 * Rule 5: a statement with the trusted sequence but different bytes. Two different statements
 * with one sequence mean a signing key was misused or the channel was forked; neither is
 * followed.
 */
public final class ConflictingStatementException extends StatementRejectedException {

    private final long sequence;
    private final String trustedSha256;
    private final String offeredSha256;

    public ConflictingStatementException(long sequence, String trustedSha256, String offeredSha256) {
        super(5, "conflicting_statement", "statement reuses sequence " + sequence
                + " with different content (trusted sha256 " + trustedSha256 + ", offered " + offeredSha256 + ")");
        this.sequence = sequence;
        this.trustedSha256 = trustedSha256;
        this.offeredSha256 = offeredSha256;
    }

    public long sequence() {
        return sequence;
    }

    public String trustedSha256() {
        return trustedSha256;
    }

    public String offeredSha256() {
        return offeredSha256;
    }
}

package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.version.SemanticVersion;

/** Rule 5: the statement offers a version older than the one installed, and no downgrade was asked for. */
public final class VersionRollbackException extends StatementRejectedException {

    private final SemanticVersion installed;
    private final SemanticVersion offered;

    public VersionRollbackException(SemanticVersion installed, SemanticVersion offered) {
        super(5, "version_rollback", "statement offers version " + offered + ", older than the installed "
                + installed + " (an operator can allow a downgrade explicitly)");
        this.installed = installed;
        this.offered = offered;
    }

    public SemanticVersion installed() {
        return installed;
    }

    public SemanticVersion offered() {
        return offered;
    }
}

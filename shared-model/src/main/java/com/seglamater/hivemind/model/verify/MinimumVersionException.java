package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.version.SemanticVersion;

/** Rule 6: the installed version is too old to move to this release directly. */
public final class MinimumVersionException extends StatementRejectedException {

    private final SemanticVersion installed;
    private final SemanticVersion minimum;

    public MinimumVersionException(SemanticVersion installed, SemanticVersion minimum) {
        super(6, "minimum_version", "installed version " + installed + " is older than " + minimum
                + ", the oldest version that may move to this release directly");
        this.installed = installed;
        this.minimum = minimum;
    }

    public SemanticVersion installed() {
        return installed;
    }

    public SemanticVersion minimum() {
        return minimum;
    }
}

package com.seglamater.hivemind.model.pgp;

import java.util.List;

/** The outcome of checking a detached signature file: the signatures that count and why the others do not. */
public record SignatureCheck(List<ValidSignature> valid, List<SignatureProblem> problems) {

    public SignatureCheck {
        valid = List.copyOf(valid);
        problems = List.copyOf(problems);
    }

    /** Number of distinct trusted certificates with a valid signature: what a threshold counts. */
    public long distinctSigners() {
        return valid.stream().map(ValidSignature::certificate).distinct().count();
    }
}

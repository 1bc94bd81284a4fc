package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.ValidSignature;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Rule 2: fewer distinct trusted keys signed the exact bytes than the threshold requires.
 * {@link #problems()} says, signature by signature, why the others did not count.
 */
public final class SignatureRejectedException extends StatementRejectedException {

    private final int required;
    private final List<ValidSignature> valid;
    private final List<SignatureProblem> problems;

    public SignatureRejectedException(int required, List<ValidSignature> valid, List<SignatureProblem> problems) {
        super(2, "signature_rejected", message(required, valid, problems));
        this.required = required;
        this.valid = List.copyOf(valid);
        this.problems = List.copyOf(problems);
    }

    private static String message(int required, List<ValidSignature> valid, List<SignatureProblem> problems) {
        long signers = valid.stream().map(ValidSignature::certificate).distinct().count();
        String why = problems.isEmpty() ? "" : ": " + problems.stream().map(SignatureProblem::describe)
                .collect(Collectors.joining("; "));
        return "statement needs valid signatures by " + required + " trusted key(s), has " + signers + why;
    }

    public int required() {
        return required;
    }

    public List<ValidSignature> valid() {
        return valid;
    }

    public List<SignatureProblem> problems() {
        return problems;
    }
}

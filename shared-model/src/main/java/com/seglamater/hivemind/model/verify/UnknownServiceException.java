package com.seglamater.hivemind.model.verify;

import java.util.Set;
import java.util.TreeSet;

/** Rule 3: the statement pins images for services the stack does not have. */
public final class UnknownServiceException extends StatementRejectedException {

    private final Set<String> unknown;
    private final Set<String> known;

    public UnknownServiceException(Set<String> unknown, Set<String> known) {
        super(3, "unknown_service", "statement names service(s) " + new TreeSet<>(unknown)
                + " that the stack does not have (it has " + new TreeSet<>(known) + ")");
        this.unknown = Set.copyOf(unknown);
        this.known = Set.copyOf(known);
    }

    public Set<String> unknown() {
        return unknown;
    }

    public Set<String> known() {
        return known;
    }
}

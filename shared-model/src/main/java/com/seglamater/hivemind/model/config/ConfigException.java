package com.seglamater.hivemind.model.config;

import com.seglamater.hivemind.model.text.Printable;

/**
 * A configuration value that stops start-up. {@link #getMessage()} is the one line an
 * operator sees: the variable's name and the problem. It never carries a secret's value.
 */
public final class ConfigException extends Exception {

    private final String variable;
    private final String problem;

    public ConfigException(String variable, String problem) {
        super(variable + ": " + problem);
        this.variable = variable;
        this.problem = problem;
    }

    /** The variable (or option, such as {@code --env-file}) whose value is wrong. */
    public String variable() {
        return variable;
    }

    public String problem() {
        return problem;
    }

    /** {@code value} in single quotes with control characters shown as {@code ?}, for messages. */
    public static String quote(String value) {
        return "'" + Printable.of(value) + "'";
    }

    /** The same, cut to {@code max} characters and "…" added when longer. */
    public static String quote(String value, int max) {
        return "'" + Printable.of(value, max) + "'";
    }
}

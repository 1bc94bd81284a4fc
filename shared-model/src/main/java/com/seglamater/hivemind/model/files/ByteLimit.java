package com.seglamater.hivemind.model.files;

import java.util.Locale;

/**
 * How a size limit reads in messages: "larger than the 65 536-byte limit". A bounded read stops
 * at limit + 1 bytes, so the size of what was refused is not known and is never quoted: a 10 MiB
 * statement must not be reported as "65537 bytes".
 */
public final class ByteLimit {

    private ByteLimit() {
    }

    /** {@code "the 65 536-byte limit"}: digits in groups of three, separated by spaces. */
    public static String describe(long limit) {
        return "the " + String.format(Locale.ROOT, "%,d", limit).replace(',', ' ') + "-byte limit";
    }

    /** {@code "statement is larger than the 65 536-byte limit"}. */
    public static String exceeded(String what, long limit) {
        return what + " is larger than " + describe(limit);
    }
}

package com.seglamater.hivemind.model.text;

/**
 * The one way Hivemind shows text that came from outside (a header, a setting, a file, a key's
 * revocation reason, an exception's message) in a log line, an error message or the audit log:
 * each control character (C0, DEL and C1: {@link Character#isISOControl}) replaced, so that such
 * text can neither break a line nor forge one, and, where a bound is given, cut with an ellipsis.
 */
public final class Printable {

    private Printable() {
    }

    /** {@code text} with each control character shown as {@code ?}. */
    public static String of(String text) {
        return replaced(text, '?');
    }

    /** {@code text} with each control character shown as {@code ?}, cut to {@code max} characters and "…" added when longer. */
    public static String of(String text, int max) {
        String shown = of(text);
        return shown.length() > max ? shown.substring(0, max) + "…" : shown;
    }

    /**
     * {@code text} with each control character replaced by {@code replacement}: the same string
     * when it has none, as nearly every value has, without copying it (this runs on every request
     * for the user agent).
     */
    public static String replaced(String text, char replacement) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                StringBuilder clean = new StringBuilder(text);
                for (int j = i; j < clean.length(); j++) {
                    if (Character.isISOControl(clean.charAt(j))) {
                        clean.setCharAt(j, replacement);
                    }
                }
                return clean.toString();
            }
        }
        return text;
    }
}

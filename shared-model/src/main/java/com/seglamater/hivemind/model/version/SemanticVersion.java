package com.seglamater.hivemind.model.version;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A semantic version (SemVer 2.0.0): {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}.
 *
 * <p>Ordering follows SemVer section 11: numeric core first, a pre-release sorts before its
 * release, pre-release identifiers compare numerically when both are numeric, numeric
 * identifiers sort before alphanumeric ones, and a longer identifier list wins when all shared
 * identifiers are equal. Build metadata is kept for display and ignored by {@link #compareTo}
 * (two versions differing only in build metadata have the same precedence; {@link #equals}
 * still tells them apart).
 */
public final class SemanticVersion implements Comparable<SemanticVersion> {

    /** Longest version string accepted; keeps hostile input from costing anything. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern NUMERIC = Pattern.compile("0|[1-9][0-9]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[0-9A-Za-z-]+");

    private final BigInteger major;
    private final BigInteger minor;
    private final BigInteger patch;
    private final List<String> preRelease;
    private final List<String> build;

    private SemanticVersion(BigInteger major, BigInteger minor, BigInteger patch,
                            List<String> preRelease, List<String> build) {
        this.major = major;
        this.minor = minor;
        this.patch = patch;
        this.preRelease = List.copyOf(preRelease);
        this.build = List.copyOf(build);
    }

    /**
     * Parses a version strictly: no leading {@code v}, no leading zeros in numeric parts, no
     * empty identifiers, no whitespace.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static SemanticVersion parse(String text) {
        Objects.requireNonNull(text, "version");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("version is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("version is longer than " + MAX_LENGTH + " characters");
        }
        String rest = text;
        List<String> build = List.of();
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            build = identifiers(rest.substring(plus + 1), "build metadata", text, false);
            rest = rest.substring(0, plus);
        }
        List<String> pre = List.of();
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            pre = identifiers(rest.substring(dash + 1), "pre-release", text, true);
            rest = rest.substring(0, dash);
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a semantic version: expected MAJOR.MINOR.PATCH such as 0.1.7");
        }
        return new SemanticVersion(number(core[0], "major", text), number(core[1], "minor", text),
                number(core[2], "patch", text), pre, build);
    }

    private static BigInteger number(String part, String name, String text) {
        if (!NUMERIC.matcher(part).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a semantic version: " + name
                    + " part '" + part + "' must be a number without leading zeros");
        }
        return new BigInteger(part);
    }

    private static List<String> identifiers(String part, String what, String text, boolean noLeadingZeros) {
        List<String> result = new ArrayList<>();
        for (String id : part.split("\\.", -1)) {
            if (!IDENTIFIER.matcher(id).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a semantic version: " + what
                        + " identifier '" + id + "' must be non-empty [0-9A-Za-z-]");
            }
            if (noLeadingZeros && id.chars().allMatch(Character::isDigit) && !NUMERIC.matcher(id).matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a semantic version: numeric "
                        + what + " identifier '" + id + "' has a leading zero");
            }
            result.add(id);
        }
        return result;
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    public List<String> preRelease() {
        return preRelease;
    }

    public List<String> build() {
        return build;
    }

    public boolean isOlderThan(SemanticVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(SemanticVersion o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            // A release has higher precedence than any of its pre-releases.
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
        }
        int shared = Math.min(preRelease.size(), o.preRelease.size());
        for (int i = 0; i < shared; i++) {
            c = compareIdentifier(preRelease.get(i), o.preRelease.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    private static int compareIdentifier(String a, String b) {
        boolean an = a.chars().allMatch(Character::isDigit);
        boolean bn = b.chars().allMatch(Character::isDigit);
        if (an && bn) {
            return new BigInteger(a).compareTo(new BigInteger(b));
        }
        if (an != bn) {
            return an ? -1 : 1;
        }
        return a.compareTo(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SemanticVersion v && compareTo(v) == 0 && build.equals(v.build);
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, patch, preRelease, build);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!preRelease.isEmpty()) {
            s.append('-').append(String.join(".", preRelease));
        }
        if (!build.isEmpty()) {
            s.append('+').append(String.join(".", build));
        }
        return s.toString();
    }
}

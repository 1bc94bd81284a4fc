package com.seglamater.hivemind.server.sso;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses the identity proxy's groups header ({@code admins|devs}, {@code admins,devs}). */
public final class GroupsHeader {

    /** Longest header accepted, checked before any splitting so the work per request stays bounded. */
    public static final int MAX_CHARS = 8 * 1024;
    /**
     * Most distinct groups accepted; far above any sane membership list. Repeats count once (the
     * work stays bounded by {@link #MAX_CHARS}): a proxy that lists a group per source it came
     * from is not refused for it.
     */
    public static final int MAX_GROUPS = 256;

    private GroupsHeader() {
    }

    /**
     * The groups in {@code value}, in header order, each once: entries are split on the literal
     * {@code delimiter} (not a regular expression), trimmed, and empty entries dropped. Matching
     * stays case-sensitive: identity providers treat group names as exact strings, and folding
     * case could let a group someone may create ({@code Hivemind-Admin}) grant another's rights.
     *
     * @param value     the header value; null (header absent) gives no groups
     * @param delimiter non-empty separator, such as {@code |} (Authentik) or {@code ,}
     * @throws GroupsHeaderException when {@code value} is longer than {@link #MAX_CHARS} or has
     *                               more than {@link #MAX_GROUPS} distinct groups
     */
    public static List<String> parse(String value, String delimiter) throws GroupsHeaderException {
        if (delimiter == null || delimiter.isEmpty()) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        if (value == null) {
            return List.of();
        }
        if (value.length() > MAX_CHARS) {
            throw new GroupsHeaderException("characters", value.length(), MAX_CHARS);
        }
        Set<String> groups = new LinkedHashSet<>();
        int start = 0;
        while (start <= value.length()) {
            int end = value.indexOf(delimiter, start);
            if (end < 0) {
                end = value.length();
            }
            String group = value.substring(start, end).strip();
            if (!group.isEmpty() && groups.add(group) && groups.size() > MAX_GROUPS) {
                throw new GroupsHeaderException("groups", groups.size(), MAX_GROUPS);
            }
            start = end + delimiter.length();
        }
        return List.copyOf(groups);
    }
}

package com.seglamater.hivemind.agent.compose;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent reads from {@code docker compose config}, the merged configuration compose prints
 * in its own normalized YAML (two spaces per level, v1 and v2 alike): which services a service
 * depends on. A line-based reading of that fixed layout, not a YAML parser: the agent needs
 * one relation from it.
 */
final class ComposeConfig {

    private static final Pattern SERVICE = Pattern.compile("^  ([^\\s:#]+):\\s*$");
    private static final Pattern DEPENDENCY_LIST_ITEM = Pattern.compile("^      - ([^\\s:#]+)\\s*$");
    private static final Pattern KEY_LEVEL_LIST_ITEM = Pattern.compile("^    - ([^\\s:#]+)\\s*$");
    private static final Pattern DEPENDENCY_KEY = Pattern.compile("^      ([^\\s:#-][^\\s:#]*):.*$");

    private ComposeConfig() {
    }

    /** The services {@code service} depends on, directly or through others, in the configuration {@code yaml}. */
    static Set<String> dependencies(String yaml, String service) {
        Map<String, Set<String>> direct = direct(yaml);
        Set<String> all = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(direct.getOrDefault(service, Set.of()));
        while (!next.isEmpty()) {
            String dependency = next.pop();
            if (!dependency.equals(service) && all.add(dependency)) {
                next.addAll(direct.getOrDefault(dependency, Set.of()));
            }
        }
        return all;
    }

    private static Map<String, Set<String>> direct(String yaml) {
        Map<String, Set<String>> direct = new LinkedHashMap<>();
        boolean inServices = false;
        String current = null;
        boolean inDependsOn = false;
        for (String line : yaml.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith(" ")) {
                inServices = line.startsWith("services:");
                current = null;
                inDependsOn = false;
                continue;
            }
            if (!inServices) {
                continue;
            }
            Matcher service = SERVICE.matcher(line);
            if (service.matches()) {
                current = service.group(1);
                direct.putIfAbsent(current, new LinkedHashSet<>());
                inDependsOn = false;
                continue;
            }
            if (current == null) {
                continue;
            }
            if (line.startsWith("    ") && !line.startsWith("     ")) {
                Matcher item = KEY_LEVEL_LIST_ITEM.matcher(line);
                if (inDependsOn && item.matches()) {
                    direct.get(current).add(item.group(1)); // a list written at the key's indentation (v1)
                } else {
                    inDependsOn = line.strip().startsWith("depends_on:");
                }
                continue;
            }
            if (inDependsOn) {
                Matcher item = DEPENDENCY_LIST_ITEM.matcher(line);
                Matcher key = DEPENDENCY_KEY.matcher(line);
                if (item.matches()) {
                    direct.get(current).add(item.group(1));
                } else if (key.matches()) {
                    direct.get(current).add(key.group(1));
                }
            }
        }
        return direct;
    }
}

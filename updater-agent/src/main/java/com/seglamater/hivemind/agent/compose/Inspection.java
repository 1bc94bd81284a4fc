package com.seglamater.hivemind.agent.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Reads {@code docker inspect}'s JSON array into a {@link ContainerState}. A service normally has
 * one container; during a recreate or after a crash it can have more, and then the newest running
 * one is the service (an old exited one says nothing about the service now).
 */
final class Inspection {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Container(String id, boolean running, Optional<String> health, Optional<String> image,
                             Instant created) {
    }

    private static final Comparator<Container> PREFERRED = Comparator.comparing(Container::running)
            .thenComparing(Container::created).reversed();

    private Inspection() {
    }

    static ContainerState choose(String service, String json, Logger log) throws ComposeException {
        List<Container> containers = parse(json);
        if (containers.isEmpty()) {
            return ContainerState.absent(service);
        }
        Container chosen = containers.stream().sorted(PREFERRED).findFirst().orElseThrow();
        if (containers.size() > 1) {
            log.warning(() -> "service " + service + " has " + containers.size() + " containers ("
                    + String.join(", ", containers.stream().map(c -> shortId(c.id())).toList())
                    + "); using " + shortId(chosen.id()) + (chosen.running() ? ", the newest running one" : ", the newest one"));
        }
        return new ContainerState(service, true, chosen.running(), chosen.health(), chosen.image());
    }

    private static List<Container> parse(String json) throws ComposeException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ComposeException("docker inspect answered something that is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new ComposeException("docker inspect answered something that is not a JSON array");
        }
        List<Container> containers = new ArrayList<>();
        for (JsonNode node : root) {
            JsonNode state = node.path("State");
            if (!state.isObject()) {
                throw new ComposeException("docker inspect answered a container without a State");
            }
            containers.add(new Container(node.path("Id").asText(""), state.path("Running").asBoolean(false),
                    text(state.path("Health").path("Status")), text(node.path("Config").path("Image")),
                    instant(node.path("Created").asText(""))));
        }
        return containers;
    }

    private static Optional<String> text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH; // an unreadable creation time ranks last, it does not make inspect fail
        }
    }

    private static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}

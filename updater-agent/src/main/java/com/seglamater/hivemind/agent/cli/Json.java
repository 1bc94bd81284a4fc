package com.seglamater.hivemind.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.model.admin.AdminJson;

/**
 * JSON output of {@code --json} options: stable field names, two-space indentation, absent
 * values as {@code null}, times as RFC 3339 text (the admin socket's mapper).
 */
final class Json {

    private static final ObjectMapper MAPPER = AdminJson.mapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}

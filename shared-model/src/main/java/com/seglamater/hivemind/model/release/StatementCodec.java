package com.seglamater.hivemind.model.release;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.model.files.ByteLimit;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and writes release statements ({@code latest.json}, {@code manifest.json}).
 *
 * <p>Reading is strict, because these bytes decide what software runs: the input must be valid
 * UTF-8 without a byte-order mark, one JSON object with no duplicate keys and nothing after it,
 * every field of schema 1 present with its exact JSON type, and no field schema 1 does not know.
 * Writing is canonical: fields in the order of DESIGN.md, two-space indentation, a final newline.
 */
public final class StatementCodec {

    /** Size bound of a statement (DESIGN.md rule 1: {@code latest.json} ≤ 64 KiB). */
    public static final int MAX_STATEMENT_BYTES = 64 * 1024;

    private static final Set<String> REQUIRED = Set.of(
            "schema", "product", "channel", "version", "sequence", "published", "expires", "images");
    private static final Set<String> OPTIONAL = Set.of("minimumVersion", "notes");
    // RFC 3339 in UTC with a literal Z; fractional seconds allowed.
    private static final Pattern RFC3339_UTC = Pattern.compile(
            "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?Z");

    private static final ObjectMapper READER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(8).maxStringLength(MAX_STATEMENT_BYTES).maxNumberLength(20).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);
    private static final ObjectMapper WRITER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatementCodec() {
    }

    /**
     * Parses statement bytes strictly.
     *
     * @throws StatementFormatException with a precise reason for anything that is not a valid schema-1 statement
     */
    public static ReleaseStatement parse(byte[] bytes) throws StatementFormatException {
        if (bytes.length > MAX_STATEMENT_BYTES) {
            throw new StatementFormatException(ByteLimit.exceeded("statement", MAX_STATEMENT_BYTES));
        }
        String text = decodeUtf8(bytes);
        JsonNode root;
        try {
            root = READER.readTree(text);
        } catch (JsonParseException e) {
            throw new StatementFormatException("not valid JSON: " + e.getOriginalMessage()
                    + location(e));
        } catch (JsonProcessingException e) {
            throw new StatementFormatException("not valid JSON: " + e.getOriginalMessage() + location(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new StatementFormatException("statement is empty");
        }
        if (!root.isObject()) {
            throw new StatementFormatException("statement must be a JSON object, not " + describe(root));
        }
        return fromObject((ObjectNode) root);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static String decodeUtf8(byte[] bytes) throws StatementFormatException {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            throw new StatementFormatException("statement starts with a UTF-8 byte-order mark");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StatementFormatException("statement is not valid UTF-8");
        }
    }

    private static ReleaseStatement fromObject(ObjectNode o) throws StatementFormatException {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!REQUIRED.contains(field) && !OPTIONAL.contains(field)) {
                throw new StatementFormatException("unknown field '" + field + "' (schema 1 does not define it)");
            }
        }
        for (String field : REQUIRED) {
            if (!o.has(field)) {
                throw new StatementFormatException("missing field '" + field + "'");
            }
        }
        long schema = integer(o, "schema");
        if (schema != ReleaseStatement.SCHEMA) {
            throw new StatementFormatException("unknown schema " + schema + " (this version understands schema "
                    + ReleaseStatement.SCHEMA + ")");
        }
        String product = string(o, "product");
        if (!ReleaseStatement.PRODUCT.equals(product)) {
            throw new StatementFormatException("product is '" + product + "', not '" + ReleaseStatement.PRODUCT + "'");
        }
        String channel = string(o, "channel");
        SemanticVersion version = version(o, "version");
        long sequence = integer(o, "sequence");
        Instant published = instant(o, "published");
        Instant expires = instant(o, "expires");
        Map<String, ImageReference> images = images(o);
        Optional<SemanticVersion> minimum = o.has("minimumVersion")
                ? Optional.of(version(o, "minimumVersion")) : Optional.empty();
        Optional<String> notes = o.has("notes") ? Optional.of(string(o, "notes")) : Optional.empty();
        try {
            return new ReleaseStatement((int) schema, product, channel, version, sequence, published, expires,
                    images, minimum, notes);
        } catch (IllegalArgumentException e) {
            throw new StatementFormatException(e.getMessage());
        }
    }

    private static JsonNode field(ObjectNode o, String name, JsonNodeType type) throws StatementFormatException {
        JsonNode node = o.get(name);
        if (node.getNodeType() != type) {
            throw new StatementFormatException("field '" + name + "' must be " + article(type) + ", not "
                    + describe(node));
        }
        return node;
    }

    private static long integer(ObjectNode o, String name) throws StatementFormatException {
        JsonNode node = field(o, name, JsonNodeType.NUMBER);
        if (!node.isIntegralNumber()) {
            throw new StatementFormatException("field '" + name + "' must be an integer, not " + node);
        }
        if (!node.canConvertToLong() || node.longValue() < 0 || node.longValue() > (1L << 53)) {
            throw new StatementFormatException("field '" + name + "' is out of range: " + node);
        }
        return node.longValue();
    }

    private static String string(ObjectNode o, String name) throws StatementFormatException {
        return field(o, name, JsonNodeType.STRING).textValue();
    }

    private static SemanticVersion version(ObjectNode o, String name) throws StatementFormatException {
        try {
            return SemanticVersion.parse(string(o, name));
        } catch (IllegalArgumentException e) {
            throw new StatementFormatException("field '" + name + "': " + e.getMessage());
        }
    }

    private static Instant instant(ObjectNode o, String name) throws StatementFormatException {
        String text = string(o, name);
        if (!RFC3339_UTC.matcher(text).matches()) {
            throw new StatementFormatException("field '" + name + "' must be an RFC 3339 UTC time such as "
                    + "2026-11-24T08:00:00Z, not '" + text + "'");
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new StatementFormatException("field '" + name + "' is not a valid time: '" + text + "'");
        }
    }

    private static Map<String, ImageReference> images(ObjectNode o) throws StatementFormatException {
        JsonNode node = field(o, "images", JsonNodeType.OBJECT);
        Map<String, ImageReference> images = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                Names.requireService(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new StatementFormatException("images: " + ex.getMessage());
            }
            if (!e.getValue().isTextual()) {
                throw new StatementFormatException("images." + e.getKey() + " must be a string, not "
                        + describe(e.getValue()));
            }
            try {
                images.put(e.getKey(), ImageReference.parse(e.getValue().textValue()));
            } catch (IllegalArgumentException ex) {
                throw new StatementFormatException("images." + e.getKey() + ": " + ex.getMessage());
            }
        }
        return images;
    }

    private static String article(JsonNodeType type) {
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            default -> type.name().toLowerCase();
        };
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case NULL -> "null";
            case MISSING -> "missing";
            default -> article(node.getNodeType()) + " (" + abbreviate(node.toString()) + ")";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** Canonical UTF-8 JSON for a statement, ending in a newline. */
    public static byte[] write(ReleaseStatement s) {
        ObjectNode o = WRITER.createObjectNode();
        o.put("schema", s.schema());
        o.put("product", s.product());
        o.put("channel", s.channel());
        o.put("version", s.version().toString());
        o.put("sequence", s.sequence());
        o.put("published", s.published().toString());
        o.put("expires", s.expires().toString());
        ObjectNode images = o.putObject("images");
        s.images().forEach((service, image) -> images.put(service, image.toString()));
        s.minimumVersion().ifPresent(v -> o.put("minimumVersion", v.toString()));
        s.notes().ifPresent(n -> o.put("notes", n));
        try {
            return (WRITER.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a statement", e);
        }
    }
}

package com.seglamater.hivemind.model.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The one JSON configuration of the admin socket, used by both ends (and by the server's
 * API): instants as RFC 3339 strings; an {@link UpdateEventKind} as its wire name, any string
 * read (an unknown name is kept, not refused); empty optionals written as null, and read from null or
 * an absent field; unknown and duplicate fields, trailing content, and scalars of the wrong JSON type,
 * are refused so that a mismatch between server and agent versions is loud.
 */
public final class AdminJson {

    private AdminJson() {
    }

    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("rfc3339-instants").addDeserializer(Instant.class, new TextInstant()))
                .addModule(new SimpleModule("update-event-kinds")
                        .addSerializer(UpdateEventKind.class, new KindAsText())
                        .addDeserializer(UpdateEventKind.class, new TextKind()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Disabling scalar coercion leaves Jackson's "number or boolean into a String
                // field" in place; that is the same kind of mismatch, refuse it too.
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    private static final class KindAsText extends StdSerializer<UpdateEventKind> {

        KindAsText() {
            super(UpdateEventKind.class);
        }

        @Override
        public void serialize(UpdateEventKind kind, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(kind.wireName());
        }
    }

    /** Kinds travel as strings; as for other text fields, a number or a boolean is refused. */
    private static final class TextKind extends StdDeserializer<UpdateEventKind> {

        TextKind() {
            super(UpdateEventKind.class);
        }

        @Override
        public UpdateEventKind deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (UpdateEventKind) ctx.handleUnexpectedToken(UpdateEventKind.class, p);
            }
            return UpdateEventKind.of(p.getText());
        }
    }

    /**
     * Times travel as RFC 3339 text only; the Java-time module would also read a bare number
     * as epoch seconds, which hides a client that sends the wrong thing.
     */
    private static final class TextInstant extends StdDeserializer<Instant> {

        TextInstant() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctx.handleUnexpectedToken(Instant.class, p);
            }
            try {
                return Instant.parse(p.getText());
            } catch (DateTimeParseException e) {
                return (Instant) ctx.handleWeirdStringValue(Instant.class, p.getText(),
                        "not an RFC 3339 UTC time such as 2026-11-24T08:00:00Z");
            }
        }
    }
}

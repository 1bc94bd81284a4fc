package com.seglamater.hivemind.model.release;

import com.seglamater.hivemind.model.version.SemanticVersion;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A signed statement about a release: the content of {@code channels/<channel>/latest.json} and
 * of {@code releases/<version>/manifest.json} (DESIGN.md, "Release files").
 *
 * <p>Instances are always valid: the compact constructor enforces the same rules as
 * {@link StatementCodec#parse}, so a statement built in code can be written and read back.
 */
public record ReleaseStatement(
        int schema,
        String product,
        String channel,
        SemanticVersion version,
        long sequence,
        Instant published,
        Instant expires,
        Map<String, ImageReference> images,
        Optional<SemanticVersion> minimumVersion,
        Optional<String> notes) {

    public static final int SCHEMA = 1;
    public static final String PRODUCT = "hivemind";
    public static final int MAX_NOTES_LENGTH = 2000;
    public static final int MAX_IMAGES = 64;
    /** Largest sequence: 2^53, the largest integer every JSON implementation reads exactly. */
    public static final long MAX_SEQUENCE = 1L << 53;
    /** RFC 3339 has four-digit years. */
    public static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59Z");

    public ReleaseStatement {
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("schema " + schema + " is not supported (expected " + SCHEMA + ")");
        }
        if (!PRODUCT.equals(product)) {
            throw new IllegalArgumentException("product '" + product + "' is not " + PRODUCT);
        }
        Names.requireChannel(channel);
        Objects.requireNonNull(version, "version");
        requireNoBuildMetadata(version, "version");
        if (sequence < 1 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence must be an integer from 1 to 2^53, not " + sequence);
        }
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(expires, "expires");
        if (published.isBefore(Instant.EPOCH) || expires.isAfter(LATEST_INSTANT)) {
            throw new IllegalArgumentException("published and expires must lie between 1970 and 9999");
        }
        if (!expires.isAfter(published)) {
            throw new IllegalArgumentException("expires (" + expires + ") must be after published (" + published + ")");
        }
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("images must name at least one service");
        }
        if (images.size() > MAX_IMAGES) {
            throw new IllegalArgumentException("images names more than " + MAX_IMAGES + " services");
        }
        images.forEach((service, image) -> {
            Names.requireService(service);
            Objects.requireNonNull(image, "image of " + service);
        });
        images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
        Objects.requireNonNull(minimumVersion, "minimumVersion");
        Objects.requireNonNull(notes, "notes");
        minimumVersion.ifPresent(min -> {
            requireNoBuildMetadata(min, "minimumVersion");
            if (version.isOlderThan(min)) {
                throw new IllegalArgumentException("minimumVersion " + min + " is newer than the version " + version);
            }
        });
        notes.ifPresent(ReleaseStatement::requirePlainText);
    }

    /**
     * SemVer ignores build metadata when ordering, so 1.0.0+a and 1.0.0+b would be two releases
     * no agent could tell apart (and {@code +} in a release-tree path is a space to some hosts).
     */
    private static void requireNoBuildMetadata(SemanticVersion v, String field) {
        if (!v.build().isEmpty()) {
            throw new IllegalArgumentException(field + " " + v + " carries build metadata (+" + String.join(".", v.build())
                    + "); release versions must not");
        }
    }

    /**
     * Notes are shown to operators in terminals and the web UI, so they may not carry control
     * characters (other than line breaks and tabs), bidirectional overrides that make text read
     * differently from what it is, or broken UTF-16.
     */
    private static void requirePlainText(String notes) {
        if (notes.length() > MAX_NOTES_LENGTH) {
            throw new IllegalArgumentException("notes are longer than " + MAX_NOTES_LENGTH + " characters");
        }
        for (int i = 0; i < notes.length(); i++) {
            char c = notes.charAt(i);
            boolean control = Character.isISOControl(c) && c != '\n' && c != '\t';
            boolean bidi = (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
            boolean pair = Character.isHighSurrogate(c) && i + 1 < notes.length()
                    && Character.isLowSurrogate(notes.charAt(i + 1));
            boolean brokenSurrogate = Character.isSurrogate(c) && !pair;
            if (control || bidi || brokenSurrogate) {
                throw new IllegalArgumentException(String.format(
                        "notes contain the character U+%04X at position %d, which is not allowed", (int) c, i));
            }
            if (pair) {
                i++;
            }
        }
    }

    /** The same release, as a statement on another channel with a new sequence and validity window. */
    public ReleaseStatement republish(String channel, long sequence, Instant published, Instant expires) {
        return new ReleaseStatement(schema, product, channel, version, sequence, published, expires, images,
                minimumVersion, notes);
    }

    /**
     * Whether two statements describe the same release (version, images, minimum version and
     * notes), whatever channel, sequence or validity window they were published with.
     */
    public boolean sameReleaseAs(ReleaseStatement other) {
        return version.equals(other.version) && images.equals(other.images)
                && minimumVersion.equals(other.minimumVersion) && notes.equals(other.notes);
    }
}

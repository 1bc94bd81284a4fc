package com.seglamater.hivemind.model.testing;

import com.seglamater.hivemind.model.release.ImageReference;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Statements for tests: a valid default, changed one field at a time. */
public final class Statements {

    public static final String SERVER_IMAGE =
            "registry.example.test/hivemind/server@sha256:" + "a".repeat(64);
    public static final String UPDATER_IMAGE =
            "registry.example.test/hivemind/updater@sha256:" + "b".repeat(64);
    public static final Instant PUBLISHED = Instant.parse("2026-05-31T12:00:00Z");
    public static final Instant EXPIRES = Instant.parse("2026-06-21T12:00:00Z");

    private Statements() {
    }

    public static ReleaseStatement statement(String channel, String version, long sequence) {
        Map<String, ImageReference> images = new LinkedHashMap<>();
        images.put("hivemind-server", ImageReference.parse(SERVER_IMAGE));
        images.put("hivemind-updater", ImageReference.parse(UPDATER_IMAGE));
        return new ReleaseStatement(1, "hivemind", channel, SemanticVersion.parse(version), sequence, PUBLISHED,
                EXPIRES, images, Optional.empty(), Optional.empty());
    }

    public static byte[] bytes(ReleaseStatement statement) {
        return StatementCodec.write(statement);
    }

    public static ReleaseStatement withMinimum(ReleaseStatement s, String minimum) {
        return new ReleaseStatement(s.schema(), s.product(), s.channel(), s.version(), s.sequence(), s.published(),
                s.expires(), s.images(), Optional.of(SemanticVersion.parse(minimum)), s.notes());
    }

    public static ReleaseStatement withExpiry(ReleaseStatement s, Instant expires) {
        return s.republish(s.channel(), s.sequence(), s.published(), expires);
    }
}

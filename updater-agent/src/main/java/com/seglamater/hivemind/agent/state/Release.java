package com.seglamater.hivemind.agent.state;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A release as the stack runs it (or ran it).
 *
 * @param version       its version
 * @param images        service → digest-pinned image, as written to the pins file
 * @param schemaVersion the database schema's version after it was installed, if known
 * @param backup        the dump taken just before it was installed, if any: what a manual
 *                      rollback to the release before restores when the schema moved on
 */
public record Release(String version, Map<String, String> images, Optional<String> schemaVersion,
                      Optional<String> backup) {

    public Release {
        Objects.requireNonNull(version, "version");
        images = Map.copyOf(images);
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(backup, "backup");
    }
}

package com.seglamater.hivemind.server.db;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Which database to use: the external PostgreSQL at {@code url} as {@code user}, or, without a
 * URL, the embedded one under {@code dataDir}/postgres.
 */
public record DatabaseSettings(Optional<String> url, String user, Optional<String> password, Path dataDir) {

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(dataDir, "dataDir");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url.orElse("(embedded)") + ", user=" + user + ", dataDir=" + dataDir + "]";
    }
}

package com.seglamater.hivemind.model.release;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @ParameterizedTest
    @ValueSource(strings = {"ghcr.io/seglamater/hivemind-server", "localhost:5000/hivemind/server", "localhost/a",
            "registry.example.test:443/a/b/c", "docker.io/library/postgres", "my-registry:5000/x__y/z.w-v"})
    void acceptsDigestPinnedReferencesWithExplicitRegistry(String name) {
        ImageReference ref = ImageReference.parse(name + "@" + DIGEST);
        assertThat(ref.name()).isEqualTo(name);
        assertThat(ref.digest()).isEqualTo(DIGEST);
        assertThat(ref).hasToString(name + "@" + DIGEST);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ghcr.io/seglamater/hivemind-server:0.1.7|tags are not allowed",
            "ghcr.io/seglamater/hivemind-server:latest@" + "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|tags are not allowed",
            "ghcr.io/seglamater/hivemind-server|not pinned by digest",
            "seglamater/hivemind-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|registry host",
            "hivemind-server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|does not name a registry",
            "ghcr.io/Seglamater/server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|invalid repository",
            "ghcr.io/a@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef|64 lowercase hex",
            "ghcr.io/a@sha256:0123|64 lowercase hex",
            "ghcr.io/a@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|64 lowercase hex",
            "ghcr.io/@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|empty repository",
            "ghcr.io//a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|invalid repository",
            "localhost:99999/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|outside 1-65535",
            "[::1]:5000/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef|registry host",
    })
    void refusesTagsMissingDigestsAndImplicitRegistries(String text, String reason) {
        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }

    @Test
    void canonicalConstructorValidatesToo() {
        assertThatThrownBy(() -> new ImageReference("ghcr.io", "a", "sha256:abc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageReference("nohost", "a", DIGEST))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOverlongReference() {
        assertThatThrownBy(() -> ImageReference.parse("ghcr.io/" + "a".repeat(600) + "@" + DIGEST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than");
        assertThatThrownBy(() -> ImageReference.parse("ghcr.io/" + "a".repeat(250) + "@" + DIGEST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 255");
    }
}

package com.seglamater.hivemind.server.origin;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RememberedHostsTest {

    private final List<String> asked = Collections.synchronizedList(new ArrayList<>());
    private final RememberedHosts hosts = RememberedHosts.of(host -> {
        asked.add(host);
        return host != null && host.startsWith("ok");
    });

    @Test
    void answersAsTheQuestionDoesAndAsksOncePerHost() {
        for (int i = 0; i < 3; i++) {
            assertThat(hosts.test("ok.example.org")).isTrue();
            assertThat(hosts.test("evil.example")).isFalse();
        }
        assertThat(asked).containsExactly("ok.example.org", "evil.example");
    }

    @Test
    void manyMadeUpHostsNeverChangeAnAnswer() {
        assertThat(hosts.test("ok.example.org")).isTrue();
        for (int i = 0; i < 20 * RememberedHosts.REMEMBERED; i++) {
            assertThat(hosts.test("made-up-" + i)).isFalse();
            assertThat(hosts.test("ok-" + i)).isTrue();
            assertThat(hosts.test("ok.example.org")).isTrue();
        }
        assertThat(hosts.test("evil.example")).isFalse();
    }

    @Test
    void noHostIsNeverRemembered() {
        assertThat(hosts.test(null)).isFalse();
        assertThat(hosts.test(null)).isFalse();
        assertThat(asked).hasSize(2);
    }
}

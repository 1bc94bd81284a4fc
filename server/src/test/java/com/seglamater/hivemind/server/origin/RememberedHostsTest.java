package com.seglamater.hivemind.server.origin;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RememberedHostsTest {

    private final List<String> asked = new ArrayList<>();
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
    void beyondTheLimitHostsAreAnsweredAfreshAndStillRight() {
        for (int i = 0; i < RememberedHosts.REMEMBERED; i++) {
            hosts.test("other-" + i);
        }
        asked.clear();
        assertThat(hosts.test("ok.late")).isTrue();
        assertThat(hosts.test("ok.late")).isTrue();
        assertThat(hosts.test("bad.late")).isFalse();
        assertThat(asked).as("not remembered: asked each time").containsExactly("ok.late", "ok.late", "bad.late");
        assertThat(hosts.test("other-0")).as("remembered before the limit").isFalse();
        assertThat(asked).hasSize(3);
    }

    @Test
    void noHostIsNeverRemembered() {
        assertThat(hosts.test(null)).isFalse();
        assertThat(hosts.test(null)).isFalse();
        assertThat(asked).hasSize(2);
    }
}

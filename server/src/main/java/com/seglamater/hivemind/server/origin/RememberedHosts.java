package com.seglamater.hivemind.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A question about a {@code Host} header whose answer depends on the host alone and on the
 * configuration read at start (is it allowed, is it an https origin's), with the answers for
 * the hosts asked about most remembered ({@value #REMEMBERED} at most, the least used evicted): a
 * deployment's requests name the public host, loopback and the compose service name, so no
 * request parses its {@code Host} again, and a client sending made-up names costs only the
 * parse of its own and cannot push the real names out for good. Every answer stays right.
 */
public final class RememberedHosts implements Predicate<String> {

    static final int REMEMBERED = 64;

    private final Predicate<String> question;
    private final Cache<String, Boolean> answers = Caffeine.newBuilder().maximumSize(REMEMBERED).build();

    private RememberedHosts(Predicate<String> question) {
        this.question = Objects.requireNonNull(question, "question");
    }

    public static RememberedHosts of(Predicate<String> question) {
        return new RememberedHosts(question);
    }

    @Override
    public boolean test(String host) {
        if (host == null) {
            return question.test(null);
        }
        return answers.get(host, question::test);
    }
}

package com.seglamater.hivemind.server.origin;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A question about a {@code Host} header whose answer depends on the host alone and on the
 * configuration read at start (is it allowed, is it an https origin's), remembered for the first
 * {@value #REMEMBERED} hosts asked about: a deployment's requests name the public host, loopback
 * and the compose service name, so after the first request of each, no request parses its
 * {@code Host} again. Hosts beyond that number (someone trying many names) are answered afresh
 * each time: the memory stays bounded and every answer stays right.
 */
public final class RememberedHosts implements Predicate<String> {

    static final int REMEMBERED = 32;

    private final Predicate<String> question;
    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();

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
        Boolean known = answers.get(host);
        if (known != null) {
            return known;
        }
        boolean answer = question.test(host);
        if (answers.size() < REMEMBERED) {
            answers.put(host, answer);
        }
        return answer;
    }
}

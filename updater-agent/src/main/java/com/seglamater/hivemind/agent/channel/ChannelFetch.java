package com.seglamater.hivemind.agent.channel;

import java.util.Objects;
import java.util.Optional;

/** The outcome of one poll of {@code channels/<channel>/latest.json} and its signature. */
public sealed interface ChannelFetch {

    /** The server answered 304: the statement is the one fetched last time. */
    record NotModified() implements ChannelFetch {
    }

    /** The channel has no statement yet ({@code latest.json} answered 404 or 410): a normal state. */
    record NoRelease(int httpStatus) implements ChannelFetch {
    }

    /**
     * The release host could not be used: network error, timeout, TLS failure, 5xx, a redirect
     * to plain HTTP… Not a statement about the installation.
     */
    record Unreachable(String reason) implements ChannelFetch {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Both files, as fetched. A body longer than its limit is cut at limit + 1 bytes, so the
     * verifier's size rule refuses it without the whole body ever being read. The signature is
     * empty when the host has none ({@code latest.json.asc} answered 404 or 410): the verifier
     * refuses that as "missing", and a file of zero bytes as "empty".
     */
    record Fetched(byte[] statement, Optional<byte[]> signature, Validators validators) implements ChannelFetch {
        public Fetched {
            Objects.requireNonNull(statement, "statement");
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(validators, "validators");
        }
    }

    /** HTTP cache validators of {@code latest.json}, sent back as If-None-Match / If-Modified-Since. */
    record Validators(Optional<String> etag, Optional<String> lastModified) {
        public static final Validators NONE = new Validators(Optional.empty(), Optional.empty());

        public Validators {
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(lastModified, "lastModified");
        }
    }
}

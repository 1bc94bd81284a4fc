package com.seglamater.hivemind.agent.state;

import com.seglamater.hivemind.agent.channel.ChannelFetch;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.verify.VerifiedStatement;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The last statement the agent accepted on one channel: the input to the verifier's rollback
 * rules, what an idle poll's 304 stands for, and the release it offers.
 *
 * @param sequence     its sequence
 * @param sha256       SHA-256 of its exact bytes
 * @param version      the release it names
 * @param expires      when it stops being trusted (a 304 after that means "channel stale or frozen")
 * @param images       service → digest-pinned image
 * @param etag         the ETag it was served with
 * @param lastModified the Last-Modified it was served with
 */
public record ChannelTrust(long sequence, String sha256, String version, Instant expires, Map<String, String> images,
                           Optional<String> etag, Optional<String> lastModified) {

    public ChannelTrust {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(expires, "expires");
        images = Map.copyOf(images);
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
    }

    public static ChannelTrust of(VerifiedStatement verified, ChannelFetch.Validators validators) {
        ReleaseStatement s = verified.statement();
        Map<String, String> images = new LinkedHashMap<>();
        s.images().forEach((service, image) -> images.put(service, image.toString()));
        return new ChannelTrust(s.sequence(), verified.sha256(), s.version().toString(), s.expires(), images,
                validators.etag(), validators.lastModified());
    }

    public ChannelFetch.Validators validators() {
        return new ChannelFetch.Validators(etag, lastModified);
    }
}

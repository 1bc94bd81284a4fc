package com.seglamater.hivemind.agent.bench;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.verify.StatementRejectedException;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.verify.VerificationRequest;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.signer.pgp.GeneratedKey;
import com.seglamater.hivemind.signer.pgp.KeyAlgorithm;
import com.seglamater.hivemind.signer.pgp.KeyGenerator;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Time of {@link StatementVerifier#verify} for one realistic {@code latest.json} (two pinned
 * images, a minimum version and notes), as the agent runs it after each changed poll: size
 * checks, the OpenPGP signature over the exact bytes, the strict parse and the rollback rules.
 * The statement is published by manifest-signer with an Ed25519 test key (what the release
 * team's keygen makes by default); {@code rsa3072} signs the same bytes with a test RSA-3072 key
 * instead, for teams whose tokens need RSA. Run by updater-agent/bench/run.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerificationBenchmark {

    @Param({"ed25519", "rsa3072"})
    public String key;

    private Path dir;
    private StatementVerifier verifier;
    private VerificationRequest request;

    @Setup
    public void publish() throws Exception {
        dir = Files.createTempDirectory("hivemind-verify-bench");
        ReleaseFixture fixture = new ReleaseFixture(dir);
        fixture.publishOk("canary", "0.1.0");
        fixture.publishOk("canary", "0.2.0", "--minimum-version", "0.1.0",
                "--notes", "https://example.org/hivemind/releases/0.2.0 (TEST ONLY)");
        byte[] statement = Files.readAllBytes(fixture.latest("canary"));
        byte[] signature;
        TrustedKeyring keyring;
        if (key.equals("ed25519")) {
            signature = Files.readAllBytes(fixture.latest("canary").resolveSibling("latest.json.asc"));
            keyring = fixture.trustedKeyring();
        } else {
            GeneratedKey generated = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.RSA3072,
                    "Hivemind bench TEST ONLY <bench@invalid>", Optional.empty(), Optional.empty(),
                    ReleaseFixture.NOW.minus(Duration.ofDays(1)));
            SecretKey rsa = SecretKey.of(generated.secret(), CryptoPolicy.defaults());
            signature = rsa.sign(statement, Optional.empty(), ReleaseFixture.NOW);
            keyring = TrustedKeyring.parse(rsa.exportCertificate(), CryptoPolicy.defaults());
        }
        verifier = new StatementVerifier(keyring, VerificationPolicy.defaults(),
                Clock.fixed(ReleaseFixture.NOW, ZoneOffset.UTC));
        // An agent that runs 0.1.0 and accepted sequence 1: every rule has something to check.
        TrustedState trusted = new TrustedState("canary", 1, Optional.of("0".repeat(64)),
                Optional.of(SemanticVersion.parse("0.1.0")));
        request = new VerificationRequest(statement, signature, "canary", trusted, Set.of("server", "updater"), false);
        verify(); // fail at setup, not in the measurement, if the fixture is wrong
    }

    @Benchmark
    public VerifiedStatement verify() throws StatementRejectedException {
        return verifier.verify(request);
    }

    @TearDown
    public void removeTree() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

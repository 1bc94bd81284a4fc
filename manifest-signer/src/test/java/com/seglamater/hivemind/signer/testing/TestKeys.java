package com.seglamater.hivemind.signer.testing;

import com.seglamater.hivemind.model.pgp.Armor;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.signer.pgp.GeneratedKey;
import com.seglamater.hivemind.signer.pgp.KeyAlgorithm;
import com.seglamater.hivemind.signer.pgp.KeyGenerator;
import com.seglamater.hivemind.signer.pgp.SecretKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Test-only release keys: Ed25519 (fast), user IDs marked TEST ONLY, written as keygen writes
 * them: NAME.asc (secret), NAME.pub.asc (certificate), NAME.rev.asc (revocation).
 */
public final class TestKeys {

    public record KeyFiles(String fingerprint, Path secret, Path certificate, Path revocation, SecretKey key) {
    }

    private TestKeys() {
    }

    public static KeyFiles create(Path dir, String name, Instant created) throws Exception {
        return create(dir, name, created, Optional.empty(), Optional.empty());
    }

    public static KeyFiles create(Path dir, String name, Instant created, Optional<String> passphrase,
                                  Optional<Duration> validity) throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind " + name + " TEST ONLY <" + name + "@invalid>", validity,
                passphrase.map(String::toCharArray), created);
        SecretKey secret = SecretKey.of(key.secret(), CryptoPolicy.defaults());
        Files.createDirectories(dir);
        Path secretFile = Files.write(dir.resolve(name + ".asc"), secret.exportSecret());
        Path certificate = Files.write(dir.resolve(name + ".pub.asc"), secret.exportCertificate());
        Path revocation = Files.write(dir.resolve(name + ".rev.asc"), Armor.encode(key.revocation().getEncoded()));
        return new KeyFiles(secret.fingerprint(), secretFile, certificate, revocation, secret);
    }
}

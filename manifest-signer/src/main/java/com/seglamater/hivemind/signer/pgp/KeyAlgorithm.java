package com.seglamater.hivemind.signer.pgp;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Key types {@code keygen} makes. Ed25519 is the default: small, fast, and verified by every
 * current OpenPGP implementation (GnuPG 2.2 included, as the v4 "EdDSA legacy" encoding).
 * RSA of 3072 or 4096 bits is there for teams whose hardware tokens or policies need RSA.
 */
public enum KeyAlgorithm {
    ED25519("ed25519", PublicKeyAlgorithmTags.EDDSA_LEGACY, 0),
    RSA3072("rsa3072", PublicKeyAlgorithmTags.RSA_GENERAL, 3072),
    RSA4096("rsa4096", PublicKeyAlgorithmTags.RSA_GENERAL, 4096);

    private final String cliName;
    private final int openPgpAlgorithm;
    private final int rsaBits;

    KeyAlgorithm(String cliName, int openPgpAlgorithm, int rsaBits) {
        this.cliName = cliName;
        this.openPgpAlgorithm = openPgpAlgorithm;
        this.rsaBits = rsaBits;
    }

    public String cliName() {
        return cliName;
    }

    int openPgpAlgorithm() {
        return openPgpAlgorithm;
    }

    /** Parses the name used on the command line ({@code ed25519}, {@code rsa3072}, {@code rsa4096}). */
    public static KeyAlgorithm fromCliName(String name) {
        for (KeyAlgorithm a : values()) {
            if (a.cliName.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown key algorithm '" + name + "' (choose ed25519, rsa3072 or rsa4096)");
    }

    AsymmetricCipherKeyPair generate(SecureRandom random) {
        if (rsaBits == 0) {
            Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
            g.init(new Ed25519KeyGenerationParameters(random));
            return g.generateKeyPair();
        }
        RSAKeyPairGenerator g = new RSAKeyPairGenerator();
        g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), random, rsaBits, 100));
        return g.generateKeyPair();
    }
}

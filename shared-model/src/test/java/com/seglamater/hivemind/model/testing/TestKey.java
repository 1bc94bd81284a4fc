package com.seglamater.hivemind.model.testing;

import com.seglamater.hivemind.model.pgp.Armor;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.generators.RSAKeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.crypto.params.RSAKeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * TEST-ONLY OpenPGP keys made in memory, including the broken and weak ones that real tools
 * refuse to make (MD5 signatures, encryption-only subkeys that sign, missing back-signatures,
 * revoked or expired subkeys). Every user ID says {@code TEST ONLY}.
 */
public final class TestKey {

    public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PGPKeyPair primary;
    private final PGPKeyPair signer;
    private final byte[] secretRing;
    private PGPPublicKeyRing ring;

    private TestKey(PGPKeyPair primary, PGPKeyPair signer, PGPPublicKeyRing ring, byte[] secretRing) {
        this.primary = primary;
        this.signer = signer;
        this.ring = ring;
        this.secretRing = secretRing;
    }

    /** Options for {@link #build}. */
    public static final class Builder {
        private final String name;
        private int rsaBits;
        private Instant created = CREATED;
        private Duration primaryValidity;
        private int primaryFlags = KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA;
        private boolean subkey;
        private int subkeyFlags = KeyFlags.SIGN_DATA;
        private boolean backSignature = true;
        private Duration subkeyValidity;
        private int selfSignatureHash = HashAlgorithmTags.SHA512;

        private Builder(String name) {
            this.name = name;
        }

        public Builder rsa(int bits) {
            this.rsaBits = bits;
            return this;
        }

        public Builder created(Instant created) {
            this.created = created;
            return this;
        }

        public Builder validFor(Duration validity) {
            this.primaryValidity = validity;
            return this;
        }

        public Builder primaryFlags(int flags) {
            this.primaryFlags = flags;
            return this;
        }

        /** Adds a subkey that makes the signatures; the primary key then only certifies. */
        public Builder signingSubkey(int flags, boolean backSignature, Duration validity) {
            this.subkey = true;
            this.subkeyFlags = flags;
            this.backSignature = backSignature;
            this.subkeyValidity = validity;
            this.primaryFlags = KeyFlags.CERTIFY_OTHER;
            return this;
        }

        public Builder selfSignatureHash(int hash) {
            this.selfSignatureHash = hash;
            return this;
        }

        public TestKey build() {
            try {
                return TestKey.build(this);
            } catch (PGPException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static Builder named(String name) {
        return new Builder(name);
    }

    /** A plain valid Ed25519 key that certifies and signs. */
    public static TestKey ed25519(String name) {
        return named(name).build();
    }

    private static TestKey build(Builder b) throws PGPException {
        Date created = Date.from(b.created);
        int algorithm = b.rsaBits > 0 ? PublicKeyAlgorithmTags.RSA_GENERAL : PublicKeyAlgorithmTags.EDDSA_LEGACY;
        PGPKeyPair primary = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, algorithm, keyPair(b.rsaBits), created);
        String userId = "Hivemind TEST ONLY " + b.name + " <" + b.name + "@invalid>";

        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, created);
        hashed.setIssuerFingerprint(false, primary.getPublicKey());
        hashed.setKeyFlags(true, b.primaryFlags);
        if (b.primaryValidity != null) {
            hashed.setKeyExpirationTime(false, b.primaryValidity.toSeconds());
        }
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1), hashed.generate(), null,
                new BcPGPContentSignerBuilder(algorithm, b.selfSignatureHash), null);
        PGPKeyPair signer = primary;
        if (b.subkey) {
            PGPKeyPair sub = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, algorithm, keyPair(b.rsaBits), created);
            PGPSignatureSubpacketGenerator subHashed = new PGPSignatureSubpacketGenerator();
            subHashed.setSignatureCreationTime(false, created);
            subHashed.setIssuerFingerprint(false, primary.getPublicKey());
            subHashed.setKeyFlags(true, b.subkeyFlags);
            if (b.subkeyValidity != null) {
                subHashed.setKeyExpirationTime(false, b.subkeyValidity.toSeconds());
            }
            if (b.backSignature) {
                PGPSignatureGenerator back = generator(sub, HashAlgorithmTags.SHA512);
                back.init(PGPSignature.PRIMARYKEY_BINDING, sub.getPrivateKey());
                PGPSignatureSubpacketGenerator backHashed = new PGPSignatureSubpacketGenerator();
                backHashed.setSignatureCreationTime(false, created);
                back.setHashedSubpackets(backHashed.generate());
                try {
                    subHashed.setEmbeddedSignature(false,
                            back.generateCertification(primary.getPublicKey(), sub.getPublicKey()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            rings.addSubKey(sub, subHashed.generate(), null, new BcPGPContentSignerBuilder(algorithm, b.selfSignatureHash));
            signer = sub;
        }
        PGPPublicKeyRing ring = rings.generatePublicKeyRing();
        if (b.subkey && !b.backSignature) {
            ring = withoutBackSignature(ring, primary, b.selfSignatureHash);
        }
        try {
            return new TestKey(primary, signer, ring, rings.generateSecretKeyRing().getEncoded());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * BouncyCastle adds the back-signature to signing subkeys by itself; to test that its absence
     * is refused, the binding is replaced by one without it.
     */
    private static PGPPublicKeyRing withoutBackSignature(PGPPublicKeyRing ring, PGPKeyPair primary, int hash)
            throws PGPException {
        java.util.Iterator<PGPPublicKey> keys = ring.getPublicKeys();
        keys.next();
        PGPPublicKey subkey = keys.next();
        PGPSignature old = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next();
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, old.getCreationTime());
        hashed.setKeyFlags(true, old.getHashedSubPackets().getKeyFlags());
        PGPSignatureGenerator binder = generator(primary, hash);
        binder.init(PGPSignature.SUBKEY_BINDING, primary.getPrivateKey());
        binder.setHashedSubpackets(hashed.generate());
        PGPSignature binding = binder.generateCertification(primary.getPublicKey(), subkey);
        PGPPublicKey rebound = PGPPublicKey.addCertification(PGPPublicKey.removeCertification(subkey, old), binding);
        return PGPPublicKeyRing.insertPublicKey(ring, rebound);
    }

    private static AsymmetricCipherKeyPair keyPair(int rsaBits) {
        if (rsaBits > 0) {
            RSAKeyPairGenerator g = new RSAKeyPairGenerator();
            g.init(new RSAKeyGenerationParameters(BigInteger.valueOf(0x10001), RANDOM, rsaBits, 80));
            return g.generateKeyPair();
        }
        Ed25519KeyPairGenerator g = new Ed25519KeyPairGenerator();
        g.init(new Ed25519KeyGenerationParameters(RANDOM));
        return g.generateKeyPair();
    }

    private static PGPSignatureGenerator generator(PGPKeyPair key, int hash) {
        return new PGPSignatureGenerator(new BcPGPContentSignerBuilder(key.getPublicKey().getAlgorithm(), hash),
                key.getPublicKey());
    }

    public String fingerprint() {
        return com.seglamater.hivemind.model.pgp.Algorithms.fingerprint(primary.getPublicKey().getFingerprint());
    }

    public String signingKeyFingerprint() {
        return com.seglamater.hivemind.model.pgp.Algorithms.fingerprint(signer.getPublicKey().getFingerprint());
    }

    public PGPPublicKeyRing ring() {
        return ring;
    }

    /** The armored public certificate. */
    public byte[] certificate() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ring.encode(out, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Armor.encode(out.toByteArray());
    }

    /** The armored, unprotected secret key: only for tests that check secret keys are refused. */
    public byte[] secretKey() {
        return Armor.encode(secretRing);
    }

    public TrustedKeyring keyring() {
        return keyringOf(this);
    }

    public static TrustedKeyring keyringOf(TestKey... keys) {
        TrustedKeyring keyring = TrustedKeyring.empty(CryptoPolicy.defaults());
        try {
            for (TestKey k : keys) {
                keyring = keyring.with(k.ring);
            }
        } catch (KeyringFormatException e) {
            throw new IllegalStateException(e);
        }
        return keyring;
    }

    /** A valid detached signature: binary document, SHA-512, made one hour after the key. */
    public byte[] sign(byte[] data) {
        return sign(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT, CREATED.plusSeconds(3600));
    }

    public byte[] sign(byte[] data, int hash, int type, Instant created) {
        return Armor.encode(signature(data, hash, type, created));
    }

    /** The raw (unarmored) signature packet, for files that hold several signatures. */
    public byte[] signature(byte[] data, int hash, int type, Instant created) {
        return signature(data, hash, type, created, hashed -> { });
    }

    /** A binary-document SHA-512 signature with extra hashed subpackets added by {@code extra}. */
    public byte[] signWithSubpackets(byte[] data, java.util.function.Consumer<PGPSignatureSubpacketGenerator> extra) {
        return Armor.encode(signature(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT,
                CREATED.plusSeconds(3600), extra));
    }

    /** An old-style version 3 signature (no subpackets). */
    public byte[] signV3(byte[] data) {
        try {
            org.bouncycastle.openpgp.PGPV3SignatureGenerator g = new org.bouncycastle.openpgp.PGPV3SignatureGenerator(
                    new BcPGPContentSignerBuilder(signer.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA512));
            g.init(PGPSignature.BINARY_DOCUMENT, signer.getPrivateKey());
            g.update(data);
            return Armor.encode(g.generate().getEncoded());
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] signature(byte[] data, int hash, int type, Instant created,
                             java.util.function.Consumer<PGPSignatureSubpacketGenerator> extra) {
        try {
            PGPSignatureGenerator g = generator(signer, hash);
            g.init(type, signer.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(created));
            hashed.setIssuerFingerprint(false, signer.getPublicKey());
            extra.accept(hashed);
            g.setHashedSubpackets(hashed.generate());
            g.update(data);
            return g.generate().getEncoded();
        } catch (PGPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Replaces the signing subkey's binding by one without back-signature but with an unhashed
     * Embedded Signature subpacket of an unknown packet version: what anyone can append to a
     * published certificate without a private key.
     */
    public TestKey withUnparsableEmbeddedSignature() {
        try {
            java.util.Iterator<PGPPublicKey> keys = ring.getPublicKeys();
            keys.next();
            PGPPublicKey subkey = keys.next();
            PGPSignature old = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next();
            PGPSignatureGenerator g = generator(primary, HashAlgorithmTags.SHA512);
            g.init(PGPSignature.SUBKEY_BINDING, primary.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, old.getCreationTime());
            hashed.setKeyFlags(true, KeyFlags.SIGN_DATA);
            g.setHashedSubpackets(hashed.generate());
            PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
            unhashed.addCustomSubpacket(new org.bouncycastle.bcpg.SignatureSubpacket(
                    org.bouncycastle.bcpg.SignatureSubpacketTags.EMBEDDED_SIGNATURE, false, false, new byte[] {89, 0, 0, 0}) { });
            g.setUnhashedSubpackets(unhashed.generate());
            PGPSignature binding = g.generateCertification(primary.getPublicKey(), subkey);
            PGPPublicKey rebound = PGPPublicKey.addCertification(PGPPublicKey.removeCertification(subkey, old), binding);
            ring = PGPPublicKeyRing.insertPublicKey(ring, rebound);
            return this;
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Attaches a verified key revocation (reason: compromised) to this key's certificate. */
    public TestKey revoke(Instant at) {
        return attachRevocation(PGPSignature.KEY_REVOCATION, RevocationReasonTags.KEY_COMPROMISED, at);
    }

    /** Attaches a verified revocation (reason: retired) of the signing subkey. */
    public TestKey revokeSubkey(Instant at) {
        return attachRevocation(PGPSignature.SUBKEY_REVOCATION, RevocationReasonTags.KEY_RETIRED, at);
    }

    private TestKey attachRevocation(int type, byte reason, Instant at) {
        try {
            PGPSignatureGenerator g = generator(primary, HashAlgorithmTags.SHA512);
            g.init(type, primary.getPrivateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(at));
            hashed.setRevocationReason(false, reason, "TEST ONLY");
            g.setHashedSubpackets(hashed.generate());
            boolean subkey = type == PGPSignature.SUBKEY_REVOCATION;
            PGPSignature revocation = subkey
                    ? g.generateCertification(primary.getPublicKey(), signer.getPublicKey())
                    : g.generateCertification(primary.getPublicKey());
            PGPPublicKey target = subkey ? ring.getPublicKey(signer.getKeyID()) : ring.getPublicKey();
            ring = PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(target, revocation));
            return this;
        } catch (PGPException e) {
            throw new IllegalStateException(e);
        }
    }
}

package com.seglamater.hivemind.signer.pgp;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.Features;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PBESecretKeyEncryptor;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Makes release keys: an OpenPGP v4 certificate with a certification-only primary key and a
 * signing subkey (with its primary-key back-signature), self-signed with SHA-512, the secret
 * parts protected by AES-256 under an iterated and salted S2K, as GnuPG reads them.
 *
 * <p>The primary key only certifies, so the signing subkey can be replaced later without
 * changing the fingerprint that agents trust.
 */
public final class KeyGenerator {

    static final int SIGNATURE_HASH = HashAlgorithmTags.SHA512;
    /** S2K iteration count byte 0xFF: the highest OpenPGP allows (about 65 million bytes hashed). */
    private static final int S2K_COUNT = 0xff;

    private final SecureRandom random;

    public KeyGenerator(SecureRandom random) {
        this.random = random;
    }

    /**
     * @param userId     e.g. {@code Hivemind Release Team <release@example.org>}
     * @param validity   how long the key is valid from {@code now}; empty for no expiry
     * @param passphrase protects the secret key; empty for an unprotected key (tests, CI with a vault)
     */
    public GeneratedKey generate(KeyAlgorithm algorithm, String userId, Optional<Duration> validity,
                                 Optional<char[]> passphrase, Instant now) throws PGPException {
        validity.ifPresent(v -> {
            // RFC 4880 §5.2.3.6: a four-octet number of seconds; 0 would mean "never expires".
            if (v.toSeconds() < 1 || v.toSeconds() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("key validity must be between 1 second and 136 years, not " + v);
            }
        });
        Date created = Date.from(now);
        PGPKeyPair primary = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, algorithm.openPgpAlgorithm(),
                algorithm.generate(random), created);
        PGPKeyPair signing = new BcPGPKeyPair(PublicKeyPacket.VERSION_4, algorithm.openPgpAlgorithm(),
                algorithm.generate(random), created);

        PGPSignatureSubpacketGenerator primaryHashed = new PGPSignatureSubpacketGenerator();
        primaryHashed.setSignatureCreationTime(false, created);
        primaryHashed.setIssuerFingerprint(false, primary.getPublicKey());
        primaryHashed.setKeyFlags(true, KeyFlags.CERTIFY_OTHER);
        primaryHashed.setPrimaryUserID(false, true);
        primaryHashed.setPreferredHashAlgorithms(false,
                new int[] {HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA384, HashAlgorithmTags.SHA256});
        primaryHashed.setPreferredSymmetricAlgorithms(false,
                new int[] {SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_128});
        primaryHashed.setFeature(false, Features.FEATURE_MODIFICATION_DETECTION);
        validity.ifPresent(v -> primaryHashed.setKeyExpirationTime(false, v.toSeconds()));

        PGPDigestCalculator checksum = new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1);
        PBESecretKeyEncryptor encryptor = passphrase.map(p -> new BcPBESecretKeyEncryptorBuilder(
                        SymmetricKeyAlgorithmTags.AES_256, sha256(), S2K_COUNT).setSecureRandom(random).build(p))
                .orElse(null);
        PGPKeyRingGenerator rings = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                checksum, primaryHashed.generate(), null, signer(primary.getPublicKey()), encryptor);

        PGPSignatureSubpacketGenerator subkeyHashed = new PGPSignatureSubpacketGenerator();
        subkeyHashed.setSignatureCreationTime(false, created);
        subkeyHashed.setIssuerFingerprint(false, primary.getPublicKey());
        subkeyHashed.setKeyFlags(true, KeyFlags.SIGN_DATA);
        validity.ifPresent(v -> subkeyHashed.setKeyExpirationTime(false, v.toSeconds()));
        try {
            subkeyHashed.setEmbeddedSignature(false, backSignature(primary.getPublicKey(), signing, created));
        } catch (java.io.IOException e) {
            throw new PGPException("cannot embed the back-signature", e);
        }
        rings.addSubKey(signing, subkeyHashed.generate(), null, signer(primary.getPublicKey()));

        PGPSecretKeyRing secret = rings.generateSecretKeyRing();
        PGPPublicKeyRing certificate = rings.generatePublicKeyRing();
        PGPSignature revocation = revocation(primary, created, RevocationReasonTags.NO_REASON,
                "revocation certificate made with the key; use it if the key is lost or compromised");
        return new GeneratedKey(secret, certificate, revocation);
    }

    /** RFC 4880 §5.2.1 0x19: the signing subkey states that it belongs to the primary key. */
    private PGPSignature backSignature(PGPPublicKey primary, PGPKeyPair subkey, Date created) throws PGPException {
        PGPSignatureGenerator g = new PGPSignatureGenerator(signer(subkey.getPublicKey()), subkey.getPublicKey());
        g.init(PGPSignature.PRIMARYKEY_BINDING, subkey.getPrivateKey());
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, created);
        hashed.setIssuerFingerprint(false, subkey.getPublicKey());
        g.setHashedSubpackets(hashed.generate());
        return g.generateCertification(primary, subkey.getPublicKey());
    }

    /** A key revocation signature (type 0x20) by {@code primary} over itself. */
    public static PGPSignature revocation(PGPKeyPair primary, Date created, byte reason, String description)
            throws PGPException {
        PGPSignatureGenerator g = new PGPSignatureGenerator(signer(primary.getPublicKey()), primary.getPublicKey());
        g.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
        PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
        hashed.setSignatureCreationTime(false, created);
        hashed.setIssuerFingerprint(false, primary.getPublicKey());
        hashed.setRevocationReason(false, reason, description);
        g.setHashedSubpackets(hashed.generate());
        return g.generateCertification(primary.getPublicKey());
    }

    static BcPGPContentSignerBuilder signer(PGPPublicKey key) {
        return new BcPGPContentSignerBuilder(key.getAlgorithm(), SIGNATURE_HASH);
    }

    private static PGPDigestCalculator sha256() {
        try {
            return new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA256);
        } catch (PGPException e) {
            throw new IllegalStateException("SHA-256 is missing from BouncyCastle", e);
        }
    }
}

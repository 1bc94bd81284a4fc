package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;

import java.util.Optional;
import java.util.Set;

/**
 * Which OpenPGP algorithms Hivemind accepts, for release signatures and for the
 * self-signatures that make a key valid.
 *
 * <p>Hashes: SHA-2 (224 and up) and SHA-3; SHA-1, MD5 and RIPEMD-160 are refused because
 * collisions can be bought for them (SHA-1: the 2020 chosen-prefix attack on OpenPGP). Keys:
 * RSA of at least {@link #minRsaBits} bits, ECDSA on curves of at least 256 bits, Ed25519 and
 * Ed448 (both the legacy EdDSA encoding GnuPG 2.2 writes and RFC 9580's); DSA and ElGamal are
 * refused.
 *
 * @param minRsaBits smallest RSA modulus accepted
 */
public record CryptoPolicy(int minRsaBits) {

    public static final int DEFAULT_MIN_RSA_BITS = 3072;

    private static final Set<Integer> ACCEPTED_HASHES = Set.of(
            HashAlgorithmTags.SHA224, HashAlgorithmTags.SHA256, HashAlgorithmTags.SHA384,
            HashAlgorithmTags.SHA512, HashAlgorithmTags.SHA3_256, HashAlgorithmTags.SHA3_512);

    public CryptoPolicy {
        if (minRsaBits < 2048) {
            throw new IllegalArgumentException("RSA keys below 2048 bits are never acceptable");
        }
    }

    public static CryptoPolicy defaults() {
        return new CryptoPolicy(DEFAULT_MIN_RSA_BITS);
    }

    public boolean acceptsHash(int hashAlgorithm) {
        return ACCEPTED_HASHES.contains(hashAlgorithm);
    }

    /** Why {@code key} is too weak to be trusted, or empty when it is strong enough. */
    public Optional<String> weakness(PGPPublicKey key) {
        int bits = key.getBitStrength();
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN ->
                    bits >= minRsaBits ? Optional.empty()
                            : Optional.of("RSA key of " + bits + " bits (at least " + minRsaBits + " required)");
            case PublicKeyAlgorithmTags.ECDSA ->
                    bits >= 256 ? Optional.empty() : Optional.of("ECDSA key of " + bits + " bits (at least 256 required)");
            case PublicKeyAlgorithmTags.EDDSA_LEGACY, PublicKeyAlgorithmTags.Ed25519, PublicKeyAlgorithmTags.Ed448 ->
                    Optional.empty();
            default -> Optional.of(Algorithms.publicKey(key.getAlgorithm()) + " keys are not accepted for signing");
        };
    }
}

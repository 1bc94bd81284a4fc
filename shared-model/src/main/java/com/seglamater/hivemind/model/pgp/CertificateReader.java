package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.bcpg.sig.RevocationReason;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Turns a certificate into {@link Certificate}: verifies every self-signature, binding,
 * back-signature and revocation, and keeps only what verified.
 *
 * <p>Rules (RFC 4880 §5.2.1, §5.2.3.3, §11.1; RFC 9580 §5.2.1, §10.1):
 * <ul>
 *   <li>the primary key's validity, flags and expiry come from its newest valid self-certification
 *       of a user ID or direct-key signature; without one the certificate is unusable;</li>
 *   <li>a subkey is usable only with a valid binding signature by the primary key, and a
 *       signing subkey only with a valid embedded primary-key binding signature made by the
 *       subkey (otherwise anyone could attach someone else's signing key to their certificate);</li>
 *   <li>self-signatures with a weak hash do not count; revocations count whatever their hash,
 *       because honouring a revocation can only make Hivemind refuse more.</li>
 * </ul>
 *
 * <p>One class of about 300 lines on purpose: it is one security-critical procedure, each check
 * beside the rule it enforces, that a reviewer reads as a whole.
 */
public final class CertificateReader {

    private static final BcPGPContentVerifierBuilderProvider VERIFIERS = new BcPGPContentVerifierBuilderProvider();

    /** The other certificates read together with this one, by primary-key fingerprint (for designated revokers). */
    @FunctionalInterface
    public interface Lookup {
        Optional<PGPPublicKeyRing> byFingerprint(String fingerprint);
    }

    private final CryptoPolicy policy;
    private final Lookup others;

    public CertificateReader(CryptoPolicy policy) {
        this(policy, fingerprint -> Optional.empty());
    }

    public CertificateReader(CryptoPolicy policy, Lookup others) {
        this.policy = policy;
        this.others = others;
    }

    public Certificate read(PGPPublicKeyRing ring) {
        PGPPublicKey primaryKey = ring.getPublicKey();
        List<String> userIds = new ArrayList<>();
        List<PGPSignature> userIdSignatures = new ArrayList<>();
        for (Iterator<byte[]> it = primaryKey.getRawUserIDs(); it.hasNext(); ) {
            byte[] rawId = it.next();
            boolean certified = false;
            for (Iterator<PGPSignature> sigs = primaryKey.getSignaturesForID(rawId); sigs.hasNext(); ) {
                PGPSignature sig = sigs.next();
                if (sig.isCertification() && issuedBy(sig, primaryKey) && policy.acceptsHash(sig.getHashAlgorithm())
                        && verifies(() -> sig.verifyCertification(rawId, primaryKey), sig, primaryKey)) {
                    userIdSignatures.add(sig);
                    certified = true;
                }
            }
            if (certified) {
                userIds.add(new String(rawId, StandardCharsets.UTF_8));
            }
        }
        List<PGPSignature> directSignatures = new ArrayList<>();
        for (Iterator<PGPSignature> sigs = primaryKey.getSignaturesOfType(PGPSignature.DIRECT_KEY); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (issuedBy(sig, primaryKey) && policy.acceptsHash(sig.getHashAlgorithm())
                    && verifies(() -> sig.verifyCertification(primaryKey), sig, primaryKey)) {
                directSignatures.add(sig);
            }
        }
        Optional<PGPSignature> newestUserId = newest(userIdSignatures);
        Optional<PGPSignature> newestDirect = newest(directSignatures);
        List<PGPSignature> selfSignatures = new ArrayList<>(userIdSignatures);
        selfSignatures.addAll(directSignatures);

        Optional<KeyInfo.Revocation> primaryRevocation = revocation(primaryKey, PGPSignature.KEY_REVOCATION,
                sig -> sig.verifyCertification(primaryKey), primaryKey)
                .or(() -> designatedRevocation(primaryKey, selfSignatures));
        Optional<String> primaryProblem = newestUserId.isEmpty() && newestDirect.isEmpty()
                ? Optional.of("no valid self-signature (with an accepted hash algorithm)")
                : policy.weakness(primaryKey);
        Instant created = primaryKey.getCreationTime().toInstant();
        // RFC 9580 §10.1: the direct-key signature and the user-ID self-signature both speak for
        // the primary key. A newer signature of one kind must not hide what the other says (GnuPG's
        // addrevoker writes a direct-key signature without expiry), so the earliest expiry wins and
        // key flags come from the direct-key signature only when it carries them.
        Optional<Instant> expires = Stream.of(newestDirect, newestUserId)
                .flatMap(Optional::stream)
                .map(PGPSignature::getHashedSubPackets)
                .filter(h -> h != null && h.hasSubpacket(SignatureSubpacketTags.KEY_EXPIRE_TIME))
                .map(PGPSignatureSubpacketVector::getKeyExpirationTime)
                .filter(seconds -> seconds > 0)
                .map(created::plusSeconds)
                .min(Comparator.naturalOrder());
        Optional<PGPSignature> flagSource = newestDirect
                .filter(sig -> sig.getHashedSubPackets().hasSubpacket(SignatureSubpacketTags.KEY_FLAGS))
                .or(() -> newestUserId);
        KeyInfo primary = new KeyInfo(Algorithms.fingerprint(primaryKey.getFingerprint()), primaryKey.getKeyID(), true,
                Algorithms.publicKey(primaryKey.getAlgorithm()), primaryKey.getBitStrength(), created, expires,
                primaryRevocation, flags(flagSource), primaryProblem,
                primaryProblem.isPresent() && !(newestUserId.isEmpty() && newestDirect.isEmpty()));

        List<KeyInfo> subkeys = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey subkey = it.next();
            if (subkey.isMasterKey()) {
                continue;
            }
            subkeys.add(readSubkey(primaryKey, subkey));
        }
        return new Certificate(ring, userIds, primary, subkeys);
    }

    /**
     * A key revocation made by a designated revoker (RFC 4880 §5.2.3.15) named in a valid
     * self-signature. It is verified against the revoker's certificate when the keyring holds it;
     * when it does not, the revocation cannot be checked and is honoured anyway, because honouring
     * a revocation can only make Hivemind refuse more.
     */
    private Optional<KeyInfo.Revocation> designatedRevocation(PGPPublicKey primaryKey, List<PGPSignature> selfSignatures) {
        List<String> revokers = selfSignatures.stream()
                .map(PGPSignature::getHashedSubPackets)
                .filter(h -> h != null)
                .flatMap(h -> Arrays.stream(h.getRevocationKeys()))
                .map(k -> Algorithms.fingerprint(k.getFingerprint()))
                .distinct().toList();
        if (revokers.isEmpty()) {
            return Optional.empty();
        }
        for (Iterator<PGPSignature> sigs = primaryKey.getSignaturesOfType(PGPSignature.KEY_REVOCATION); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            for (String revoker : revokers) {
                if (!issuedByFingerprint(sig, revoker)) {
                    continue;
                }
                Optional<PGPPublicKeyRing> revokerRing = others.byFingerprint(revoker);
                if (revokerRing.isEmpty()) {
                    return Optional.of(new KeyInfo.Revocation(sig.getCreationTime().toInstant(),
                            "revoked by designated revoker " + revoker + " (its certificate is not in the keyring, "
                                    + "so the revocation is honoured unchecked)"));
                }
                PGPPublicKey revokerKey = revokerRing.get().getPublicKey();
                if (verifies(() -> sig.verifyCertification(primaryKey), sig, revokerKey)) {
                    return Optional.of(new KeyInfo.Revocation(sig.getCreationTime().toInstant(),
                            reasonOf(sig) + " (by designated revoker " + revoker + ")"));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean issuedByFingerprint(PGPSignature sig, String fingerprint) {
        for (KeyIdentifier id : sig.getKeyIdentifiers()) {
            if (id.getFingerprint() != null) {
                if (Algorithms.fingerprint(id.getFingerprint()).equals(fingerprint)) {
                    return true;
                }
            } else if (fingerprint.endsWith(Algorithms.keyId(id.getKeyId()))) {
                return true;
            }
        }
        return fingerprint.endsWith(Algorithms.keyId(sig.getKeyID()));
    }

    private KeyInfo readSubkey(PGPPublicKey primaryKey, PGPPublicKey subkey) {
        List<PGPSignature> bindings = new ArrayList<>();
        for (Iterator<PGPSignature> sigs = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (issuedBy(sig, primaryKey) && policy.acceptsHash(sig.getHashAlgorithm())
                    && verifies(() -> sig.verifyCertification(primaryKey, subkey), sig, primaryKey)) {
                bindings.add(sig);
            }
        }
        Optional<PGPSignature> binding = newest(bindings);
        Optional<KeyInfo.Revocation> revocation = revocation(subkey, PGPSignature.SUBKEY_REVOCATION,
                sig -> sig.verifyCertification(primaryKey, subkey), primaryKey);
        Optional<String> problem;
        boolean weak = false;
        if (binding.isEmpty()) {
            problem = Optional.of("no valid binding signature from the primary key");
        } else if ((flags(binding) & KeyFlags.SIGN_DATA) != 0
                && !hasValidBackSignature(binding.get(), primaryKey, subkey)) {
            problem = Optional.of("signing subkey without a valid primary-key binding (back-signature)");
        } else {
            problem = policy.weakness(subkey);
            weak = problem.isPresent();
        }
        return subkeyInfo(subkey, binding, revocation, problem, weak);
    }

    private boolean hasValidBackSignature(PGPSignature binding, PGPPublicKey primaryKey, PGPPublicKey subkey) {
        for (PGPSignatureSubpacketVector area : new PGPSignatureSubpacketVector[] {
                binding.getHashedSubPackets(), binding.getUnhashedSubPackets()}) {
            if (area == null) {
                continue;
            }
            PGPSignatureList embedded;
            try {
                embedded = area.getEmbeddedSignatures();
            } catch (PGPException | RuntimeException e) {
                // Unparsable embedded signatures (e.g. an unknown version in the unhashed area) do not count.
                continue;
            }
            for (PGPSignature back : embedded) {
                if (back.getSignatureType() == PGPSignature.PRIMARYKEY_BINDING
                        && policy.acceptsHash(back.getHashAlgorithm())
                        && verifies(() -> back.verifyCertification(primaryKey, subkey), back, subkey)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static KeyInfo subkeyInfo(PGPPublicKey key, Optional<PGPSignature> selfSig,
                                Optional<KeyInfo.Revocation> revocation, Optional<String> problem, boolean weak) {
        Instant created = key.getCreationTime().toInstant();
        Optional<Instant> expires = selfSig.map(PGPSignature::getHashedSubPackets)
                .map(PGPSignatureSubpacketVector::getKeyExpirationTime)
                .filter(seconds -> seconds > 0)
                .map(created::plusSeconds);
        return new KeyInfo(Algorithms.fingerprint(key.getFingerprint()), key.getKeyID(), false,
                Algorithms.publicKey(key.getAlgorithm()), key.getBitStrength(), created, expires,
                revocation, flags(selfSig), problem, weak);
    }

    private static int flags(Optional<PGPSignature> sig) {
        return sig.map(PGPSignature::getHashedSubPackets).map(PGPSignatureSubpacketVector::getKeyFlags).orElse(0);
    }

    private interface Check {
        boolean verify(PGPSignature sig) throws PGPException;
    }

    private interface Verification {
        boolean run() throws PGPException;
    }

    private static Optional<KeyInfo.Revocation> revocation(PGPPublicKey key, int type, Check check, PGPPublicKey issuer) {
        for (Iterator<PGPSignature> sigs = key.getSignaturesOfType(type); sigs.hasNext(); ) {
            PGPSignature sig = sigs.next();
            if (issuedBy(sig, issuer) && verifies(() -> check.verify(sig), sig, issuer)) {
                return Optional.of(new KeyInfo.Revocation(sig.getCreationTime().toInstant(), reasonOf(sig)));
            }
        }
        return Optional.empty();
    }

    private static String reasonOf(PGPSignature sig) {
        RevocationReason reason = sig.getHashedSubPackets() == null ? null : sig.getHashedSubPackets().getRevocationReason();
        return reason == null ? "no reason given" : describe(reason);
    }

    private static String describe(RevocationReason reason) {
        String code = switch (reason.getRevocationReason()) {
            case 0 -> "no reason specified";
            case 1 -> "key superseded";
            case 2 -> "key compromised";
            case 3 -> "key retired";
            default -> "reason " + reason.getRevocationReason();
        };
        String text = reason.getRevocationDescription();
        return text == null || text.isBlank() ? code : code + ": " + text;
    }

    private static boolean issuedBy(PGPSignature sig, PGPPublicKey key) {
        return sig.getKeyID() == key.getKeyID() || sig.hasKeyIdentifier(key.getKeyIdentifier());
    }

    private static boolean verifies(Verification verification, PGPSignature sig, PGPPublicKey signer) {
        try {
            sig.init(VERIFIERS, signer);
            return verification.run();
        } catch (PGPException | RuntimeException e) {
            // A signature that cannot be checked is a signature that does not count.
            return false;
        }
    }

    private static Optional<PGPSignature> newest(List<PGPSignature> sigs) {
        return sigs.stream().max(Comparator.comparing(PGPSignature::getCreationTime));
    }
}

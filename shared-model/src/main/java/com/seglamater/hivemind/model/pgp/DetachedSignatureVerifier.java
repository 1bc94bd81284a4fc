package com.seglamater.hivemind.model.pgp;

import com.seglamater.hivemind.model.files.ByteLimit;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.SignatureSubpacket;
import org.bouncycastle.bcpg.SignatureSubpacketTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks an armored detached OpenPGP signature file over exact bytes against a trusted keyring.
 * Pure: bytes, keyring and the current time in, a {@link SignatureCheck} out.
 *
 * <p>For each signature in the file, in order: it must be a version 4 or later signature over
 * binary data (type 0x00, so no line-ending canonicalisation changes what was signed), use an accepted hash,
 * be issued by a key of a trusted certificate whose primary key is valid (not revoked, not
 * expired, strong enough), the issuing key must be allowed to sign data, the signature must
 * carry no critical subpacket it does not understand, must not claim a creation time in the
 * future or before its key existed, nor be expired, and finally it must verify over the bytes.
 */
public final class DetachedSignatureVerifier {

    /** Size bound of a signature file (DESIGN.md rule 1: signature ≤ 16 KiB). */
    public static final int MAX_SIGNATURE_BYTES = 16 * 1024;
    /** More signatures than this in one file is not a release team's work. */
    public static final int MAX_SIGNATURES = 16;

    private final TrustedKeyring keyring;
    private final Duration clockSkew;

    public DetachedSignatureVerifier(TrustedKeyring keyring, Duration clockSkew) {
        this.keyring = keyring;
        this.clockSkew = clockSkew;
    }

    public SignatureCheck check(byte[] data, byte[] armoredSignature, Instant now) {
        List<PGPSignature> signatures;
        try {
            signatures = parse(armoredSignature);
        } catch (KeyringFormatException e) {
            return new SignatureCheck(List.of(), List.of(new SignatureProblem.Malformed(e.getMessage())));
        }
        List<ValidSignature> valid = new ArrayList<>();
        List<SignatureProblem> problems = new ArrayList<>();
        for (PGPSignature sig : signatures) {
            SignatureProblem problem = check(sig, data, now, valid);
            if (problem != null) {
                problems.add(problem);
            }
        }
        return new SignatureCheck(valid, problems);
    }

    private SignatureProblem check(PGPSignature sig, byte[] data, Instant now, List<ValidSignature> valid) {
        KeyIdentifier issuer = issuer(sig);
        Optional<Certificate> cert = keyring.certificateWithKey(issuer);
        if (cert.isEmpty()) {
            return new SignatureProblem.UnknownKey(describe(issuer));
        }
        KeyInfo primary = cert.get().primary();
        KeyInfo key = cert.get().key(issuer).orElseThrow();
        String fpr = key.fingerprint();
        if (sig.getVersion() < 4) {
            // v3 signatures have no hashed subpackets: no issuer fingerprint, no expiry (RFC 9580 deprecates them).
            return new SignatureProblem.UnsupportedSignature(fpr, "version " + sig.getVersion() + " signatures are not accepted");
        }
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT) {
            return new SignatureProblem.WrongSignatureType(fpr, sig.getSignatureType());
        }
        if (!keyring.policy().acceptsHash(sig.getHashAlgorithm())) {
            return new SignatureProblem.WeakHash(fpr, Algorithms.hash(sig.getHashAlgorithm()));
        }
        SignatureProblem keyProblem = keyProblem(primary, now);
        if (keyProblem == null && !key.primary()) {
            keyProblem = keyProblem(key, now);
        }
        if (keyProblem != null) {
            return keyProblem;
        }
        if (!key.maySign()) {
            return new SignatureProblem.NotSigningKey(fpr, "its flags (" + key.capabilities()
                    + ") do not include signing data");
        }
        Optional<Integer> critical = unknownCriticalSubpacket(sig);
        if (critical.isPresent()) {
            // RFC 4880 §5.2.3.1: a critical subpacket the implementation does not know makes the signature invalid.
            return new SignatureProblem.UnsupportedSignature(fpr, "it has a critical subpacket of unknown type "
                    + critical.get());
        }
        Instant created = sig.getCreationTime().toInstant();
        if (created.isAfter(now.plus(clockSkew))) {
            return new SignatureProblem.CreatedInFuture(fpr, created);
        }
        if (created.isBefore(key.created()) || created.isBefore(primary.created())) {
            return new SignatureProblem.UnsupportedSignature(fpr, "it claims to be made at " + created
                    + ", before the key itself existed");
        }
        long validSeconds = sig.getHashedSubPackets() == null ? 0 : sig.getHashedSubPackets().getSignatureExpirationTime();
        if (validSeconds > 0 && !now.isBefore(created.plusSeconds(validSeconds))) {
            return new SignatureProblem.ExpiredSignature(fpr, created.plusSeconds(validSeconds));
        }
        if (!verifies(sig, cert.get().ring().getPublicKey(issuer), data)) {
            return new SignatureProblem.BadSignature(fpr);
        }
        valid.add(new ValidSignature(primary.fingerprint(), fpr, cert.get().displayName(), created,
                Algorithms.hash(sig.getHashAlgorithm())));
        return null;
    }

    private SignatureProblem keyProblem(KeyInfo key, Instant now) {
        if (key.revocation().isPresent()) {
            return new SignatureProblem.RevokedKey(key.fingerprint(), key.revocation().get().created(),
                    key.revocation().get().reason());
        }
        if (key.problem().isPresent()) {
            String problem = key.problem().get();
            return key.weak()
                    ? new SignatureProblem.WeakKey(key.fingerprint(), problem)
                    : new SignatureProblem.NotSigningKey(key.fingerprint(), problem);
        }
        if (key.isExpiredAt(now)) {
            return new SignatureProblem.ExpiredKey(key.fingerprint(), key.expires().orElseThrow());
        }
        return null;
    }

    /**
     * Whether every signature in the file that was made by a key of the keyring matches
     * {@code data} cryptographically, whatever that key's status or the policy says. The checks
     * of {@link #check} stop at a revoked or expired key before looking at the bytes; this tells
     * a key that is no longer trusted from content changed after signing. Signatures by keys the
     * keyring does not hold cannot be checked and are passed over.
     */
    public boolean signaturesMatch(byte[] data, byte[] armoredSignature) {
        List<PGPSignature> signatures;
        try {
            signatures = parse(armoredSignature);
        } catch (KeyringFormatException e) {
            return false;
        }
        for (PGPSignature sig : signatures) {
            KeyIdentifier issuer = issuer(sig);
            Optional<Certificate> cert = keyring.certificateWithKey(issuer);
            if (cert.isPresent() && !verifies(sig, cert.get().ring().getPublicKey(issuer), data)) {
                return false;
            }
        }
        return true;
    }

    /** Hashed subpackets a data signature may mark critical: creation and expiration time, issuer. */
    private static final Set<Integer> KNOWN_CRITICAL = Set.of(SignatureSubpacketTags.CREATION_TIME,
            SignatureSubpacketTags.EXPIRE_TIME, SignatureSubpacketTags.ISSUER_KEY_ID,
            SignatureSubpacketTags.ISSUER_FINGERPRINT);

    private static Optional<Integer> unknownCriticalSubpacket(PGPSignature sig) {
        PGPSignatureSubpacketVector hashed = sig.getHashedSubPackets();
        if (hashed == null) {
            return Optional.empty();
        }
        return Arrays.stream(hashed.toArray())
                .filter(SignatureSubpacket::isCritical)
                .map(SignatureSubpacket::getType)
                .filter(type -> !KNOWN_CRITICAL.contains(type))
                .findFirst();
    }

    private static boolean verifies(PGPSignature sig, PGPPublicKey key, byte[] data) {
        if (key == null) {
            return false;
        }
        try {
            sig.init(new BcPGPContentVerifierBuilderProvider(), key);
            sig.update(data);
            return sig.verify();
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    private static KeyIdentifier issuer(PGPSignature sig) {
        // Prefer the issuer fingerprint subpacket; fall back to the 64-bit issuer key ID.
        for (KeyIdentifier id : sig.getKeyIdentifiers()) {
            if (id.getFingerprint() != null) {
                return id;
            }
        }
        return new KeyIdentifier(sig.getKeyID());
    }

    private static String describe(KeyIdentifier id) {
        return id.getFingerprint() != null ? Algorithms.fingerprint(id.getFingerprint()) : Algorithms.keyId(id.getKeyId());
    }

    /** Parses an armored detached signature file: one SIGNATURE block with 1..16 signature packets. */
    public static List<PGPSignature> parse(byte[] armored) throws KeyringFormatException {
        if (armored.length == 0) {
            throw new KeyringFormatException("signature file is empty");
        }
        if (armored.length > MAX_SIGNATURE_BYTES) {
            throw new KeyringFormatException(ByteLimit.exceeded("signature file", MAX_SIGNATURE_BYTES));
        }
        List<Armor.Block> blocks = Armor.decode(armored, "signature file");
        List<PGPSignature> signatures = new ArrayList<>();
        for (Armor.Block block : blocks) {
            if (block.kind() != Armor.Kind.SIGNATURE) {
                throw new KeyringFormatException("signature file holds a PGP " + block.kind().label()
                        + " instead of a SIGNATURE");
            }
            BcPGPObjectFactory factory = new BcPGPObjectFactory(block.data());
            try {
                Object o;
                while ((o = factory.nextObject()) != null) {
                    if (!(o instanceof PGPSignatureList list)) {
                        throw new KeyringFormatException("signature file holds an unexpected OpenPGP packet ("
                                + o.getClass().getSimpleName() + ")");
                    }
                    list.forEach(signatures::add);
                }
            } catch (IOException | RuntimeException e) {
                throw new KeyringFormatException("signature file holds damaged OpenPGP data: " + e.getMessage(), e);
            }
        }
        if (signatures.isEmpty()) {
            throw new KeyringFormatException("signature file holds no signature");
        }
        if (signatures.size() > MAX_SIGNATURES) {
            throw new KeyringFormatException("signature file holds " + signatures.size()
                    + " signatures, more than " + MAX_SIGNATURES);
        }
        return signatures;
    }
}

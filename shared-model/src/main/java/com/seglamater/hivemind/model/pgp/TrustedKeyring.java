package com.seglamater.hivemind.model.pgp;

import com.seglamater.hivemind.model.files.ByteLimit;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release keys an agent trusts: armored OpenPGP certificates, evaluated under a
 * {@link CryptoPolicy}. Immutable; the maintenance operations return a new keyring.
 */
public final class TrustedKeyring {

    /** Largest keyring file read (a keyring holds a handful of certificates). */
    public static final int MAX_KEYRING_BYTES = 1024 * 1024;

    private final CryptoPolicy policy;
    private final List<Certificate> certificates;

    private TrustedKeyring(CryptoPolicy policy, List<Certificate> certificates) {
        this.policy = policy;
        this.certificates = List.copyOf(certificates);
    }

    public static TrustedKeyring empty(CryptoPolicy policy) {
        return new TrustedKeyring(policy, List.of());
    }

    /**
     * Reads armored public certificates (one or several blocks). Secret keys, signatures and
     * anything that is not a certificate are refused, so a keyring file can never silently
     * carry something else. The same certificate given twice is merged.
     */
    public static TrustedKeyring parse(byte[] armored, CryptoPolicy policy) throws KeyringFormatException {
        if (armored.length > MAX_KEYRING_BYTES) {
            throw new KeyringFormatException(ByteLimit.exceeded("keyring", MAX_KEYRING_BYTES));
        }
        Map<String, PGPPublicKeyRing> rings = new LinkedHashMap<>();
        for (PGPPublicKeyRing ring : readCertificates(armored, "keyring")) {
            String fingerprint = Algorithms.fingerprint(ring.getPublicKey().getFingerprint());
            PGPPublicKeyRing existing = rings.get(fingerprint);
            try {
                rings.put(fingerprint, existing == null ? ring : PGPPublicKeyRing.join(existing, ring));
            } catch (PGPException | RuntimeException e) {
                throw new KeyringFormatException("cannot merge the two copies of " + fingerprint + ": " + e.getMessage(), e);
            }
        }
        return read(policy, rings);
    }

    /** Reads the armored public certificates in {@code armored}; see {@link #parse}. */
    public static List<PGPPublicKeyRing> readCertificates(byte[] armored, String what) throws KeyringFormatException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        for (Armor.Block block : Armor.decode(armored, what)) {
            switch (block.kind()) {
                case PUBLIC_KEY -> rings.addAll(publicRings(block.data(), what));
                case PRIVATE_KEY -> throw new KeyringFormatException(what
                        + " contains a SECRET key; a keyring holds public keys only (use 'manifest-signer export')");
                default -> throw new KeyringFormatException(what + " contains a PGP " + block.kind().label()
                        + " where public keys were expected");
            }
        }
        return rings;
    }

    private static List<PGPPublicKeyRing> publicRings(byte[] data, String what) throws KeyringFormatException {
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        BcPGPObjectFactory factory = new BcPGPObjectFactory(data);
        try {
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (o instanceof PGPPublicKeyRing ring) {
                    rings.add(ring);
                } else if (o instanceof PGPSecretKeyRing) {
                    throw new KeyringFormatException(what + " contains a SECRET key; a keyring holds public keys only");
                } else {
                    throw new KeyringFormatException(what + " contains an unexpected OpenPGP packet ("
                            + o.getClass().getSimpleName() + ") where public keys were expected");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyringFormatException(what + " holds damaged OpenPGP data: " + e.getMessage(), e);
        }
        if (rings.isEmpty()) {
            throw new KeyringFormatException(what + " has an empty public key block");
        }
        return rings;
    }

    public CryptoPolicy policy() {
        return policy;
    }

    public List<Certificate> certificates() {
        return certificates;
    }

    public boolean isEmpty() {
        return certificates.isEmpty();
    }

    /**
     * The certificates whose signatures can count at {@code now} ({@link Certificate#canSignAt}).
     * A keyring where this is empty makes every statement fail rule 2.
     */
    public List<Certificate> signersAt(Instant now) {
        return certificates.stream().filter(c -> c.canSignAt(now)).toList();
    }

    public Optional<Certificate> certificate(String fingerprint) {
        return certificates.stream().filter(c -> c.fingerprint().equalsIgnoreCase(fingerprint)).findFirst();
    }

    /** The certificate holding the key that {@code id} names. */
    public Optional<Certificate> certificateWithKey(KeyIdentifier id) {
        return certificates.stream().filter(c -> c.key(id).isPresent()).findFirst();
    }

    /** This keyring with {@code ring} added, or merged into the copy it already holds. */
    public TrustedKeyring with(PGPPublicKeyRing ring) throws KeyringFormatException {
        Map<String, PGPPublicKeyRing> rings = rings();
        String fingerprint = Algorithms.fingerprint(ring.getPublicKey().getFingerprint());
        PGPPublicKeyRing existing = rings.get(fingerprint);
        PGPPublicKeyRing merged = ring;
        if (existing != null) {
            try {
                merged = PGPPublicKeyRing.join(existing, ring);
            } catch (PGPException | RuntimeException e) {
                throw new KeyringFormatException("cannot merge the two copies of " + fingerprint + ": " + e.getMessage(), e);
            }
        }
        rings.put(fingerprint, merged);
        return read(policy, rings);
    }

    /** This keyring without the certificate {@code fingerprint}; empty when it holds no such certificate. */
    public Optional<TrustedKeyring> without(String fingerprint) {
        Map<String, PGPPublicKeyRing> rings = rings();
        if (rings.remove(fingerprint.toUpperCase(java.util.Locale.ROOT)) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(policy, rings));
        } catch (KeyringFormatException e) {
            throw new IllegalStateException("certificates that were read once cannot fail to read again", e);
        }
    }

    private Map<String, PGPPublicKeyRing> rings() {
        Map<String, PGPPublicKeyRing> rings = new LinkedHashMap<>();
        certificates.forEach(c -> rings.put(c.fingerprint(), c.ring()));
        return rings;
    }

    /**
     * Evaluates every certificate with the others at hand, so that a designated revoker's
     * certificate is found wherever it stands in the file.
     */
    private static TrustedKeyring read(CryptoPolicy policy, Map<String, PGPPublicKeyRing> rings)
            throws KeyringFormatException {
        CertificateReader reader = new CertificateReader(policy, fingerprint -> Optional.ofNullable(rings.get(fingerprint)));
        List<Certificate> certificates = new ArrayList<>();
        for (Map.Entry<String, PGPPublicKeyRing> e : rings.entrySet()) {
            try {
                certificates.add(reader.read(e.getValue()));
            } catch (RuntimeException ex) {
                // Hostile or damaged packets must surface as a format error, never crash the caller.
                throw new KeyringFormatException("certificate " + e.getKey() + " cannot be evaluated: "
                        + ex.getMessage(), ex);
            }
        }
        return new TrustedKeyring(policy, certificates);
    }

    /**
     * This keyring with a revocation signature attached to the certificate it revokes. The
     * revocation must be a key revocation made by the certificate's own primary key and must
     * verify; anything else is refused.
     */
    public TrustedKeyring withRevocation(byte[] armoredRevocation) throws KeyringFormatException {
        PGPSignature revocation = revocationSignature(armoredRevocation);
        // A key revocation does not name its target: it is the certificate whose primary key made
        // it, or one that names its maker as designated revoker. Attach it where it verifies.
        for (Certificate candidate : certificates) {
            PGPPublicKey primary = candidate.ring().getPublicKey();
            if (candidate.primary().revocation().isPresent()) {
                if (hasSignature(primary, revocation)) {
                    return this; // the same revocation again: nothing to do
                }
                continue;
            }
            PGPPublicKey revoked = PGPPublicKey.addCertification(primary, revocation);
            TrustedKeyring result = with(PGPPublicKeyRing.insertPublicKey(candidate.ring(), revoked));
            if (result.certificate(candidate.fingerprint()).orElseThrow().primary().revocation().isPresent()) {
                return result;
            }
        }
        throw new KeyringFormatException("the revocation (made by key " + Algorithms.keyId(revocation.getKeyID())
                + ") does not verify against any unrevoked certificate in the keyring, neither as a self-revocation "
                + "nor as one by a designated revoker");
    }

    private static boolean hasSignature(PGPPublicKey key, PGPSignature signature) {
        for (java.util.Iterator<PGPSignature> it = key.getSignatures(); it.hasNext(); ) {
            if (PGPSignature.isSignatureEncodingEqual(it.next(), signature)) {
                return true;
            }
        }
        return false;
    }

    /** The key revocation signature (type 0x20) a revocation certificate holds; anything else is refused. */
    public static PGPSignature revocationSignature(byte[] armored) throws KeyringFormatException {
        List<Armor.Block> blocks = Armor.decode(armored, "revocation certificate");
        if (blocks.size() != 1 || blocks.get(0).kind() != Armor.Kind.PUBLIC_KEY && blocks.get(0).kind() != Armor.Kind.SIGNATURE) {
            throw new KeyringFormatException("a revocation certificate is one armored block holding one key revocation signature");
        }
        try {
            Object o = new BcPGPObjectFactory(blocks.get(0).data()).nextObject();
            if (o instanceof PGPSignatureList list && list.size() == 1
                    && list.get(0).getSignatureType() == PGPSignature.KEY_REVOCATION) {
                return list.get(0);
            }
            if (o instanceof PGPPublicKeyRing) {
                throw new KeyringFormatException("the file holds a certificate, not a lone revocation signature; "
                        + "a designated revocation from GnuPG (--desig-revoke) is merged by adding it to the keyring "
                        + "like a certificate");
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyringFormatException("the revocation certificate is damaged: " + e.getMessage(), e);
        }
        throw new KeyringFormatException("the file does not hold a key revocation signature (type 0x20)");
    }

    /** The keyring as one armored public key block. */
    public byte[] encode() {
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        try {
            for (Certificate c : certificates) {
                c.ring().encode(packets, true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return Armor.encode(packets.toByteArray());
    }
}

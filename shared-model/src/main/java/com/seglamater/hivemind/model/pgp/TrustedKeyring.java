package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
            throw new KeyringFormatException("keyring is " + armored.length + " bytes, more than the limit of "
                    + MAX_KEYRING_BYTES);
        }
        TrustedKeyring keyring = empty(policy);
        for (PGPPublicKeyRing ring : readCertificates(armored, "keyring")) {
            keyring = keyring.with(ring);
        }
        return keyring;
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

    public Optional<Certificate> certificate(String fingerprint) {
        return certificates.stream().filter(c -> c.fingerprint().equalsIgnoreCase(fingerprint)).findFirst();
    }

    /** The certificate holding the key that {@code id} names. */
    public Optional<Certificate> certificateWithKey(KeyIdentifier id) {
        return certificates.stream().filter(c -> c.key(id).isPresent()).findFirst();
    }

    /** This keyring with {@code ring} added, or merged into the copy it already holds. */
    public TrustedKeyring with(PGPPublicKeyRing ring) throws KeyringFormatException {
        CertificateReader reader = new CertificateReader(policy);
        Map<String, Certificate> byFingerprint = new LinkedHashMap<>();
        certificates.forEach(c -> byFingerprint.put(c.fingerprint(), c));
        String fingerprint = Algorithms.fingerprint(ring.getPublicKey().getFingerprint());
        Certificate existing = byFingerprint.get(fingerprint);
        PGPPublicKeyRing merged = ring;
        if (existing != null) {
            try {
                merged = PGPPublicKeyRing.join(existing.ring(), ring);
            } catch (PGPException | RuntimeException e) {
                throw new KeyringFormatException("cannot merge the two copies of " + fingerprint + ": " + e.getMessage(), e);
            }
        }
        byFingerprint.put(fingerprint, reader.read(merged));
        return new TrustedKeyring(policy, new ArrayList<>(byFingerprint.values()));
    }

    /** This keyring without the certificate {@code fingerprint}; empty when it holds no such certificate. */
    public Optional<TrustedKeyring> without(String fingerprint) {
        List<Certificate> kept = certificates.stream()
                .filter(c -> !c.fingerprint().equalsIgnoreCase(fingerprint)).toList();
        return kept.size() == certificates.size() ? Optional.empty() : Optional.of(new TrustedKeyring(policy, kept));
    }

    /**
     * This keyring with a revocation signature attached to the certificate it revokes. The
     * revocation must be a key revocation made by the certificate's own primary key and must
     * verify; anything else is refused.
     */
    public TrustedKeyring withRevocation(byte[] armoredRevocation) throws KeyringFormatException {
        PGPSignature revocation = readRevocation(armoredRevocation);
        KeyIdentifier issuer = revocation.getKeyIdentifiers().isEmpty()
                ? new KeyIdentifier(revocation.getKeyID()) : revocation.getKeyIdentifiers().get(0);
        Certificate target = certificates.stream()
                .filter(c -> c.key(issuer).map(KeyInfo::primary).orElse(false))
                .findFirst()
                .orElseThrow(() -> new KeyringFormatException("the revocation was made by key "
                        + Algorithms.keyId(revocation.getKeyID()) + ", which is not the primary key of any certificate in the keyring"));
        PGPPublicKey primary = target.ring().getPublicKey();
        try {
            revocation.init(new BcPGPContentVerifierBuilderProvider(), primary);
            if (!revocation.verifyCertification(primary)) {
                throw new KeyringFormatException("the revocation signature does not verify against " + target.fingerprint());
            }
        } catch (PGPException | RuntimeException e) {
            throw new KeyringFormatException("the revocation signature cannot be checked against "
                    + target.fingerprint() + ": " + e.getMessage(), e);
        }
        PGPPublicKey revoked = PGPPublicKey.addCertification(primary, revocation);
        PGPPublicKeyRing ring = PGPPublicKeyRing.insertPublicKey(target.ring(), revoked);
        return with(ring);
    }

    private static PGPSignature readRevocation(byte[] armored) throws KeyringFormatException {
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

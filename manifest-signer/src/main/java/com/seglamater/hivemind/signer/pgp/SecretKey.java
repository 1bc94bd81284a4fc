package com.seglamater.hivemind.signer.pgp;

import com.seglamater.hivemind.model.pgp.Armor;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.CertificateReader;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.KeyInfo;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** A release team member's secret key as read from its armored file. */
public final class SecretKey {

    private final PGPSecretKeyRing ring;
    private final Certificate certificate;

    private SecretKey(PGPSecretKeyRing ring, Certificate certificate) {
        this.ring = ring;
        this.certificate = certificate;
    }

    public static SecretKey of(PGPSecretKeyRing ring, CryptoPolicy policy) {
        return new SecretKey(ring, new CertificateReader(policy).read(publicRing(ring)));
    }

    /** Reads an armored secret key file holding exactly one key. */
    public static SecretKey parse(byte[] armored, CryptoPolicy policy) throws KeyringFormatException {
        List<Armor.Block> blocks = Armor.decode(armored, "secret key file");
        if (blocks.size() != 1 || blocks.get(0).kind() != Armor.Kind.PRIVATE_KEY) {
            throw new KeyringFormatException("secret key file must hold exactly one PGP PRIVATE KEY BLOCK"
                    + (blocks.get(0).kind() == Armor.Kind.PUBLIC_KEY ? " (this is a public key)" : ""));
        }
        List<PGPSecretKeyRing> rings = new ArrayList<>();
        try {
            BcPGPObjectFactory factory = new BcPGPObjectFactory(blocks.get(0).data());
            Object o;
            while ((o = factory.nextObject()) != null) {
                if (!(o instanceof PGPSecretKeyRing r)) {
                    throw new KeyringFormatException("secret key file holds an unexpected OpenPGP packet ("
                            + o.getClass().getSimpleName() + ")");
                }
                rings.add(r);
            }
        } catch (IOException | RuntimeException e) {
            throw new KeyringFormatException("secret key file is damaged: " + e.getMessage(), e);
        }
        if (rings.size() != 1) {
            throw new KeyringFormatException("secret key file must hold exactly one key, it holds " + rings.size());
        }
        return of(rings.get(0), policy);
    }

    private static PGPPublicKeyRing publicRing(PGPSecretKeyRing ring) {
        List<PGPPublicKey> keys = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return new PGPPublicKeyRing(keys);
    }

    public Certificate certificate() {
        return certificate;
    }

    public String fingerprint() {
        return certificate.fingerprint();
    }

    public PGPSecretKeyRing ring() {
        return ring;
    }

    /** Whether the secret parts are protected by a passphrase. */
    public boolean isProtected() {
        return ring.getSecretKey().getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL;
    }

    /** The public certificate, armored: what goes into the keyring agents trust. */
    public byte[] exportCertificate() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            certificate.ring().encode(out, true);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return Armor.encode(out.toByteArray());
    }

    public byte[] exportSecret() {
        try {
            return Armor.encode(ring.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
    }

    /**
     * The key that signs releases at {@code now}: the newest valid, unrevoked, unexpired key
     * allowed to sign data whose secret part is present.
     */
    public KeyInfo signingKey(Instant now) throws KeyException {
        KeyInfo primary = certificate.primary();
        if (primary.revocation().isPresent()) {
            throw new KeyException("key " + fingerprint() + " is revoked (" + primary.revocation().get().reason() + ")");
        }
        if (primary.problem().isPresent()) {
            throw new KeyException("key " + fingerprint() + " cannot be used: " + primary.problem().get());
        }
        if (primary.isExpiredAt(now)) {
            throw new KeyException("key " + fingerprint() + " expired at " + primary.expires().orElseThrow());
        }
        return certificate.signingKeysAt(now).stream()
                .filter(k -> !ring.getSecretKey(k.keyId()).isPrivateKeyEmpty())
                .max(Comparator.comparing(KeyInfo::created))
                .orElseThrow(() -> new KeyException("key " + fingerprint()
                        + " has no valid, unexpired signing key with its secret part present"));
    }

    /** Unlocks the secret part of {@code key}; wrong passphrases are reported as such. */
    public PGPPrivateKey unlock(KeyInfo key, Optional<char[]> passphrase) throws KeyException {
        PGPSecretKey secret = ring.getSecretKey(key.keyId());
        PBESecretKeyDecryptor decryptor = null;
        if (secret.getKeyEncryptionAlgorithm() != SymmetricKeyAlgorithmTags.NULL) {
            if (passphrase.isEmpty()) {
                throw new KeyException("key " + fingerprint() + " is protected by a passphrase and none was given");
            }
            decryptor = new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(passphrase.get());
        }
        try {
            return secret.extractPrivateKey(decryptor);
        } catch (PGPException e) {
            throw new KeyException("cannot unlock key " + fingerprint() + ": wrong passphrase?", e);
        }
    }

    /** A detached, armored binary-document signature (type 0x00, SHA-512) over {@code data}. */
    public byte[] sign(byte[] data, Optional<char[]> passphrase, Instant now) throws KeyException {
        KeyInfo key = signingKey(now);
        PGPPrivateKey privateKey = unlock(key, passphrase);
        PGPPublicKey publicKey = ring.getPublicKey(key.keyId());
        try {
            PGPSignatureGenerator g = new PGPSignatureGenerator(KeyGenerator.signer(publicKey), publicKey);
            g.init(PGPSignature.BINARY_DOCUMENT, privateKey);
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, Date.from(now));
            hashed.setIssuerFingerprint(false, publicKey);
            g.setHashedSubpackets(hashed.generate());
            g.update(data);
            return Armor.encode(g.generate().getEncoded());
        } catch (PGPException | IOException e) {
            throw new KeyException("signing with " + key.fingerprint() + " failed: " + e.getMessage(), e);
        }
    }

    /** A key revocation certificate made now with the primary key. */
    public byte[] revoke(Optional<char[]> passphrase, byte reason, String description, Instant now) throws KeyException {
        PGPPrivateKey primary = unlock(certificate.primary(), passphrase);
        try {
            PGPSignature sig = KeyGenerator.revocation(new PGPKeyPair(ring.getPublicKey(), primary), Date.from(now),
                    reason, description);
            return Armor.encode(sig.getEncoded(), Armor.Kind.PUBLIC_KEY);
        } catch (PGPException | IOException e) {
            throw new KeyException("making the revocation failed: " + e.getMessage(), e);
        }
    }

}

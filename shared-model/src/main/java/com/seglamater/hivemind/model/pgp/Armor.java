package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.ArmoredOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ASCII armor (RFC 4880 §6, RFC 9580 §6): splitting a file into its armored blocks, decoding
 * them with the CRC checked, and encoding without version headers.
 */
public final class Armor {

    /** Kinds of armored block, by the word in their {@code BEGIN PGP …} line. */
    public enum Kind {
        PUBLIC_KEY("PUBLIC KEY BLOCK"),
        PRIVATE_KEY("PRIVATE KEY BLOCK"),
        SIGNATURE("SIGNATURE"),
        MESSAGE("MESSAGE");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** One decoded block. */
    public record Block(Kind kind, byte[] data) {
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN PGP ([A-Z ,/0-9]+)-----\\r?\\n(.*?)-----END PGP \\1-----", Pattern.DOTALL);

    private Armor() {
    }

    /**
     * Decodes every armored block in {@code text}. Text outside blocks (comments, blank lines)
     * is ignored, as GnuPG does; a file with no block at all is refused.
     */
    public static List<Block> decode(byte[] bytes, String what) throws KeyringFormatException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        List<Block> blocks = new ArrayList<>();
        while (m.find()) {
            Kind kind = Kind.of(m.group(1));
            if (kind == null) {
                throw new KeyringFormatException(what + " contains an armored block of unknown kind 'PGP "
                        + m.group(1) + "'");
            }
            blocks.add(new Block(kind, dearmor(m.group(0), what)));
        }
        if (blocks.isEmpty()) {
            throw new KeyringFormatException(what + " is not ASCII-armored OpenPGP data (no -----BEGIN PGP …----- line)");
        }
        return blocks;
    }

    private static byte[] dearmor(String block, String what) throws KeyringFormatException {
        try (InputStream in = ArmoredInputStream.builder().setDetectMissingCRC(false)
                .build(new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII)))) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw new KeyringFormatException(what + " has a damaged armored block: " + e.getMessage(), e);
        }
    }

    /**
     * Armors OpenPGP packets without version or comment headers; the block label (PUBLIC KEY
     * BLOCK, SIGNATURE, PRIVATE KEY BLOCK) follows from the first packet.
     */
    public static byte[] encode(byte[] packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArmoredOutputStream armor = ArmoredOutputStream.builder().clearHeaders().build(out)) {
            armor.write(packets);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory armoring failed", e);
        }
        return out.toByteArray();
    }
}

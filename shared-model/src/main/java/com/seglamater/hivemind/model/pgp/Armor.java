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

    private static final Pattern BEGIN = Pattern.compile("-----BEGIN PGP ([A-Z ,/0-9]+)-----[ \\t\\r]*");

    private Armor() {
    }

    /**
     * Decodes every armored block in {@code text}. Text outside blocks (comments, blank lines)
     * is ignored, as GnuPG does; a file with no block at all, or a block without its END line,
     * is refused. One pass over the input: each BEGIN line is matched to the next END line.
     */
    public static List<Block> decode(byte[] bytes, String what) throws KeyringFormatException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<Block> blocks = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int lineEnd = text.indexOf('\n', at);
            int next = lineEnd < 0 ? text.length() : lineEnd + 1;
            String line = text.substring(at, lineEnd < 0 ? text.length() : lineEnd);
            // GnuPG's revocation certificates start with ':' so they are not imported by accident.
            Matcher begin = BEGIN.matcher(line.startsWith(":") ? line.substring(1) : line);
            if (begin.matches()) {
                String label = begin.group(1);
                Kind kind = Kind.of(label);
                if (label.equals("SIGNED MESSAGE")) {
                    throw new KeyringFormatException(what + " is a cleartext-signed message (gpg --clearsign), not a "
                            + "detached signature; sign with gpg --armor --detach-sign instead");
                }
                if (kind == null) {
                    throw new KeyringFormatException(what + " contains an armored block of unknown kind 'PGP " + label + "'");
                }
                String endLine = "-----END PGP " + label + "-----";
                int end = text.indexOf(endLine, next);
                if (end < 0) {
                    throw new KeyringFormatException(what + " has a 'BEGIN PGP " + label + "' line without its END line");
                }
                String block = "-----BEGIN PGP " + label + "-----\n" + text.substring(next, end) + endLine + "\n";
                blocks.add(new Block(kind, dearmor(block, what)));
                int after = text.indexOf('\n', end);
                next = after < 0 ? text.length() : after + 1;
            }
            at = next;
        }
        if (blocks.isEmpty()) {
            // Every binary OpenPGP packet starts with a byte whose high bit is set (RFC 9580 §4.2).
            boolean binary = bytes.length > 0 && (bytes[0] & 0x80) != 0;
            throw new KeyringFormatException(what + " is not ASCII-armored OpenPGP data (no -----BEGIN PGP …----- line)"
                    + (binary ? "; it looks like binary OpenPGP: export or sign it again with --armor (gpg --armor)" : ""));
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

    /**
     * Armors packets under a chosen block label. A revocation certificate is a lone signature
     * packet, yet GnuPG imports it only from a PUBLIC KEY BLOCK (that is how it writes them).
     */
    public static byte[] encode(byte[] packets, Kind label) {
        String armored = new String(encode(packets), StandardCharsets.US_ASCII);
        Matcher begin = Pattern.compile("-----BEGIN PGP ([A-Z ,/0-9]+)-----").matcher(armored);
        if (!begin.find()) {
            throw new IllegalStateException("armoring produced no BEGIN line");
        }
        String current = begin.group(1);
        return armored.replace("-----BEGIN PGP " + current + "-----", "-----BEGIN PGP " + label.label() + "-----")
                .replace("-----END PGP " + current + "-----", "-----END PGP " + label.label() + "-----")
                .getBytes(StandardCharsets.US_ASCII);
    }
}

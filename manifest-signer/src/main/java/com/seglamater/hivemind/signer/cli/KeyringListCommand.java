package com.seglamater.hivemind.signer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyInfo;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/** {@code keyring list}: what agents with this keyring trust, and in what state each key is now. */
@Command(name = "list",
        description = {"List the certificates of a keyring: fingerprint, status, algorithm, dates, user IDs and "
                + "subkeys with their capabilities (C certify, S sign, E encrypt, A authenticate).",
                "A certificate is valid when it can sign releases now; otherwise it is expired, revoked, invalid, or "
                        + "cannot-sign (its primary key is fine but no key of it may sign releases now: a certify-only "
                        + "key, or signing subkeys that expired or were revoked). Subkeys have their own status.",
                "Warns on stderr when no certificate can sign releases."})
public final class KeyringListCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring file.")
    Path keyringFile;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    public KeyringListCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        TrustedKeyring keyring = Inputs.keyring(keyringFile);
        Instant now = ctx.now();
        if (json) {
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (Certificate c : keyring.certificates()) {
                ObjectNode o = key(c.primary(), c.statusAt(now), now);
                ArrayNode uids = o.putArray("userIds");
                c.userIds().forEach(uids::add);
                ArrayNode subkeys = o.putArray("subkeys");
                c.subkeys().forEach(k -> subkeys.add(key(k, subkeyStatus(c, k, now), now)));
                list.add(o);
            }
            ctx.out().println(Json.write(list));
            warnIfNoSigner(keyring, now);
            return ExitCode.OK;
        }
        PrintStream out = ctx.out();
        for (Certificate c : keyring.certificates()) {
            out.println(line("pub", c.primary(), c.statusAt(now)));
            c.userIds().forEach(uid -> out.println("      uid  " + uid));
            c.subkeys().forEach(k -> out.println(line("  sub", k, subkeyStatus(c, k, now))));
            out.println();
        }
        out.println(keyring.certificates().size() + " certificate(s) in " + keyringFile + ", "
                + keyring.signersAt(now).size() + " can sign releases");
        warnIfNoSigner(keyring, now);
        return ExitCode.OK;
    }

    private void warnIfNoSigner(TrustedKeyring keyring, Instant now) {
        if (!keyring.certificates().isEmpty() && keyring.signersAt(now).isEmpty()) {
            ctx.err().println("WARNING: no certificate in " + keyringFile + " can sign releases now: agents with this "
                    + "keyring accept no release");
        }
    }

    /** A subkey is no better than its primary key: under a revoked or expired primary key it is too. */
    private static String subkeyStatus(Certificate c, KeyInfo subkey, Instant now) {
        String primary = c.primary().statusAt(now);
        return primary.equals(Certificate.VALID) ? subkey.statusAt(now) : primary;
    }

    private static String line(String label, KeyInfo k, String status) {
        StringBuilder s = new StringBuilder(String.format("%-5s %s  %-11s  %s  [%s]  created %s  expires %s",
                label, k.fingerprint(), status, algorithm(k), k.capabilities(),
                k.created(), k.expires().map(Instant::toString).orElse("never")));
        k.revocation().ifPresent(r -> s.append("  revoked ").append(r.created()).append(" (").append(r.reason()).append(')'));
        k.problem().ifPresent(p -> s.append("  problem: ").append(p));
        return s.toString();
    }

    private static String algorithm(KeyInfo k) {
        return k.algorithm().equals("RSA") ? "RSA " + k.bits() : k.algorithm();
    }

    private static ObjectNode key(KeyInfo k, String status, Instant now) {
        ObjectNode o = Json.object();
        o.put("fingerprint", k.fingerprint());
        o.put("status", status);
        o.put("algorithm", k.algorithm());
        o.put("bits", k.bits());
        o.put("capabilities", k.capabilities());
        o.put("created", k.created().toString());
        if (k.expires().isPresent()) {
            o.put("expires", k.expires().get().toString());
        } else {
            o.putNull("expires");
        }
        k.revocation().ifPresent(r -> {
            o.put("revoked", r.created().toString());
            o.put("revocationReason", r.reason());
        });
        k.problem().ifPresent(p -> o.put("problem", p));
        return o;
    }
}

package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.channel.ChannelClient;
import com.seglamater.hivemind.agent.compose.CliCompose;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ProcessRunner;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.AdminClient;
import com.seglamater.hivemind.agent.server.HttpHealthProbe;
import com.seglamater.hivemind.agent.server.Outbox;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.update.Checker;
import com.seglamater.hivemind.agent.update.FaultInjection;
import com.seglamater.hivemind.agent.update.HealthWaiter;
import com.seglamater.hivemind.agent.update.OfferedNotes;
import com.seglamater.hivemind.agent.update.Progress;
import com.seglamater.hivemind.agent.update.Sleeper;
import com.seglamater.hivemind.agent.update.Updater;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.files.ByteLimit;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.text.Printable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.logging.Logger;

/**
 * The production object graph, wired by hand: the real release host, admin socket, compose
 * CLI and files. Tests build {@link Agent} from fakes instead.
 */
public record Assembly(Agent agent, Outbox outbox, ServerLink server, Compose compose, Updater updater,
                       StateStore store) {

    private static final Logger LOG = Logger.getLogger(Assembly.class.getName());

    /**
     * @param keyring      the trusted keyring ({@link #keyring} or {@link #keyringThatCanSign})
     * @param outboxParent the directory whose {@code outbox/} holds reports not yet delivered
     */
    public static Assembly build(AgentConfig config, TrustedKeyring keyring, Clock clock, Path outboxParent) {
        StatementVerifier verifier = new StatementVerifier(keyring, config.verificationPolicy(), clock);
        StateStore store = new StateStore(config.dataDir());
        AdminClient server = new AdminClient(config);
        Outbox outbox = new Outbox(outboxParent, server);
        Compose compose = new CliCompose(config, new ProcessRunner());
        PinsFile pins = new PinsFile(config.pinsFile());
        Backups backups = new Backups(config.backupDir(), config.backupKeep(), compose, clock, store::dumpsInUse);
        AgentConfig.Services services = config.services();
        HealthWaiter health = new HealthWaiter(compose, new HttpHealthProbe(config), services.server(),
                config.timeouts().health(), clock, Sleeper.REAL);
        OfferedNotes notes = new OfferedNotes();
        Progress progress = new Progress(outbox, config.channel(), config.approval() == AgentConfig.Approval.MANUAL,
                clock, notes);
        Updater updater = new Updater(compose, pins, backups, server, health, progress, store, services,
                config.timeouts().drain(), config.projectName(), clock, new FaultInjection(config.dataDir(), Sleeper.REAL));
        Checker checker = new Checker(config.channel(), new ChannelClient(config), verifier, store,
                () -> knownServices(compose, services), clock, notes);
        Agent agent = new Agent(config, checker, updater, backups, compose, server, health, pins, store, progress);
        return new Assembly(agent, outbox, server, compose, updater, store);
    }

    /**
     * The stack's services, for the verifier's rule that a statement only names services that
     * exist. If compose cannot be asked, the three services the agent knows stand in: a
     * statement naming others is then refused rather than let through unchecked.
     */
    static Set<String> knownServices(Compose compose, AgentConfig.Services services) {
        try {
            return compose.services();
        } catch (ComposeException e) {
            LOG.warning(() -> "cannot list the stack's services (" + e.getMessage() + "); assuming "
                    + services.server() + ", " + services.updater() + ", " + services.database());
            return Set.of(services.server(), services.updater(), services.database());
        }
    }

    /**
     * The keyring of {@code HIVEMIND_UPDATE_KEYRING}, for work that verifies statements (the
     * daemon, check, approve, downgrade): refused, as docs/threat-model.md says, when fewer of its
     * certificates can sign releases at {@code now} than the signature threshold asks for. All of
     * them revoked, expired or unable to sign would make the agent refuse every release while
     * looking as if it ran fine; one clear line at start says so instead.
     */
    public static TrustedKeyring keyringThatCanSign(AgentConfig config, Instant now) throws ConfigException {
        TrustedKeyring keyring = keyring(config);
        int threshold = config.verificationPolicy().threshold();
        List<Certificate> signers = keyring.signersAt(now);
        if (signers.size() >= threshold) {
            return keyring;
        }
        String others = Printable.of(keyring.certificates().stream()
                .filter(c -> !signers.contains(c))
                .map(c -> c.fingerprint() + ": " + c.signingProblemAt(now).orElseThrow())
                .collect(Collectors.joining("; ")));
        String count = signers.isEmpty() ? "no certificate that can sign releases now"
                : signers.size() + " certificate(s) that can sign releases now, fewer than "
                + AgentConfig.SIGNATURE_THRESHOLD + "=" + threshold;
        throw new ConfigException(AgentConfig.KEYRING, "'" + config.keyring() + "' holds " + count
                + ", so the agent would refuse every release (" + others + "); install the release team's current "
                + "keyring");
    }

    /**
     * The keyring of {@code HIVEMIND_UPDATE_KEYRING}: present, readable, at most
     * {@link TrustedKeyring#MAX_KEYRING_BYTES}, and holding at least one certificate. Work that
     * verifies nothing (rollback, backup, restore, the handoff of an update) needs no more.
     */
    public static TrustedKeyring keyring(AgentConfig config) throws ConfigException {
        byte[] armored;
        try {
            if (Files.size(config.keyring()) > TrustedKeyring.MAX_KEYRING_BYTES) {
                throw new ConfigException(AgentConfig.KEYRING, "'" + config.keyring() + "' is larger than "
                        + ByteLimit.describe(TrustedKeyring.MAX_KEYRING_BYTES));
            }
            armored = Files.readAllBytes(config.keyring());
        } catch (NoSuchFileException e) {
            throw new ConfigException(AgentConfig.KEYRING, "'" + config.keyring() + "' does not exist; the agent"
                    + " installs only releases signed by the keys in it");
        } catch (IOException e) {
            throw new ConfigException(AgentConfig.KEYRING, "cannot read '" + config.keyring() + "': " + e.getMessage());
        }
        try {
            TrustedKeyring keyring = TrustedKeyring.parse(armored, config.verificationPolicy().crypto());
            if (keyring.isEmpty()) {
                throw new ConfigException(AgentConfig.KEYRING, "'" + config.keyring() + "' holds no usable key");
            }
            return keyring;
        } catch (KeyringFormatException e) {
            throw new ConfigException(AgentConfig.KEYRING, "'" + config.keyring() + "': " + e.getMessage());
        }
    }
}

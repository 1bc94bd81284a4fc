package com.seglamater.hivemind.agent.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One request on the control socket, a JSON object whose {@code operation} field names the
 * {@link Operations} method: {@code {"operation":"check","apply":true}},
 * {@code {"operation":"approve","version":"1.2.3"}}, {@code {"operation":"rollback"}},
 * {@code {"operation":"backup"}}, {@code {"operation":"restore","file":"/abs/dump"}},
 * {@code {"operation":"downgrade"}}.
 * Read with the strict admin mapper: unknown fields, wrong types and missing values are refused.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "operation")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ControlRequest.Check.class, name = "check"),
        @JsonSubTypes.Type(value = ControlRequest.Approve.class, name = "approve"),
        @JsonSubTypes.Type(value = ControlRequest.Rollback.class, name = "rollback"),
        @JsonSubTypes.Type(value = ControlRequest.Backup.class, name = "backup"),
        @JsonSubTypes.Type(value = ControlRequest.Restore.class, name = "restore"),
        @JsonSubTypes.Type(value = ControlRequest.Downgrade.class, name = "downgrade")})
public sealed interface ControlRequest {

    /** The operation's name, as in {@link OperationResult#operation()}. */
    @JsonIgnore
    String operation();

    /** Runs this request; the daemon does it for the socket, the CLI for itself when no daemon answers. */
    OperationResult dispatch(Operations operations);

    /**
     * Whether this request fetches and verifies the channel's statement (check, approve, downgrade),
     * so that an agent doing it needs a keyring that can sign releases. Rollback, backup and
     * restore verify nothing and work with any keyring.
     */
    @JsonIgnore
    default boolean verifiesStatements() {
        return false;
    }

    /** Polls now; with {@code apply}, installs what it finds. {@code apply} is required, as every field is. */
    record Check(boolean apply) implements ControlRequest {
        @Override
        public boolean verifiesStatements() {
            return true;
        }

        @Override
        public String operation() {
            return "check";
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.check(apply);
        }
    }

    record Approve(String version) implements ControlRequest {
        public Approve {
            SemanticVersion.parse(Objects.requireNonNull(version, "version is missing"));
        }

        @Override
        public String operation() {
            return "approve";
        }

        @Override
        public boolean verifiesStatements() {
            return true;
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.approve(version);
        }
    }

    /** Polls now and installs the channel's release even if it is older than what runs. */
    record Downgrade() implements ControlRequest {
        @Override
        public boolean verifiesStatements() {
            return true;
        }

        @Override
        public String operation() {
            return "downgrade";
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.downgrade();
        }
    }

    record Rollback() implements ControlRequest {
        @Override
        public String operation() {
            return "rollback";
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.rollback();
        }
    }

    record Backup() implements ControlRequest {
        @Override
        public String operation() {
            return "backup";
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.backup();
        }
    }

    /** @param file an absolute path: the daemon's working directory is not the operator's */
    record Restore(String file) implements ControlRequest {
        public Restore {
            Objects.requireNonNull(file, "file is missing");
            Path path;
            try {
                path = Path.of(file);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("file is not a valid path");
            }
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("file must be an absolute path");
            }
        }

        public static Restore of(Path dump) {
            return new Restore(dump.toAbsolutePath().normalize().toString());
        }

        @Override
        public String operation() {
            return "restore";
        }

        @Override
        public OperationResult dispatch(Operations operations) {
            return operations.restore(Path.of(file));
        }
    }
}

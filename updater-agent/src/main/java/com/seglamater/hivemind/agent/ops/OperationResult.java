package com.seglamater.hivemind.agent.ops;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link Operations} call, as printed by the CLI ({@code --json} prints this
 * record) and sent back over the control socket.
 *
 * @param operation {@code check}, {@code approve}, {@code rollback}, {@code backup} or {@code restore}
 * @param success   whether it did what was asked (an up-to-date check is a success)
 * @param code      the stable outcome ({@code up_to_date}, {@code applied}, {@code rolled_back}, {@code busy}…)
 * @param reason    for {@code rejected}: the verifier's stable reason code ({@code signature_rejected},
 *                  {@code expired}, {@code sequence_rollback}…, as in {@code status}'s {@code lastCheck.code});
 *                  for an update stopped before any change because a disk is full: {@code no_space};
 *                  otherwise empty
 * @param message   one or a few lines for operators
 * @param version   the release concerned, if any
 * @param file      the dump written or read, if any
 */
public record OperationResult(String operation, boolean success, OperationCode code, Optional<String> reason, String message,
                              Optional<String> version, Optional<String> file) {

    public OperationResult {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(file, "file");
    }

    public static OperationResult ok(String operation, OperationCode code, String message) {
        return new OperationResult(operation, true, code, Optional.empty(), message, Optional.empty(), Optional.empty());
    }

    public static OperationResult failed(String operation, OperationCode code, String message) {
        return new OperationResult(operation, false, code, Optional.empty(), message, Optional.empty(), Optional.empty());
    }

    public OperationResult withVersion(String v) {
        return new OperationResult(operation, success, code, reason, message, Optional.ofNullable(v), file);
    }

    public OperationResult withReason(String r) {
        return new OperationResult(operation, success, code, Optional.ofNullable(r), message, version, file);
    }

    public OperationResult withFile(String f) {
        return new OperationResult(operation, success, code, reason, message, version, Optional.ofNullable(f));
    }
}

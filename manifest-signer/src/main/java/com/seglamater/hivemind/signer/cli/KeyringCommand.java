package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keyring}: the parent of {@code add}, {@code list}, {@code remove} and {@code revoke}. */
@Command(name = "keyring", synopsisSubcommandLabel = "COMMAND",
        description = "Maintain the keyring of release keys that agents trust.")
public final class KeyringCommand implements Runnable {

    @Mixin
    HelpOption help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: add, list, remove or revoke");
    }
}

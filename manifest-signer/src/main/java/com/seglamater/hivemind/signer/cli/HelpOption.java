package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h/--help} for every command. Not picocli's standard help mixin, which also brings
 * {@code -V/--version} and would clash with {@code publish --version}.
 */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}

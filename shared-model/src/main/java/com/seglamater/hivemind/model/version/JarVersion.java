package com.seglamater.hivemind.model.version;

/**
 * The version a program was built as, for {@code --version}, {@code /health} and the updater's
 * User-Agent: the {@code Implementation-Version} of the jar a class of the program came from (the
 * Maven project version, which the build writes into each runnable jar's manifest), or
 * {@value #DEV} when the program runs from a build directory's classes, which have no manifest.
 */
public final class JarVersion {

    public static final String DEV = "dev";

    private JarVersion() {
    }

    /** @param programClass a class of the program itself (its {@code Main}), not of a library it uses */
    public static String of(Class<?> programClass) {
        String version = programClass.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? DEV : version.strip();
    }
}

package com.seglamater.hivemind.signer.cli;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.Optional;

/** Where passphrases are prompted for; absent when there is no interactive console. */
@FunctionalInterface
public interface Terminal {

    /** Reads a line without echo; {@code null} at end of input. */
    char[] readPassword(String prompt);

    /** The process's console, if it is an interactive terminal. */
    static Optional<Terminal> system() {
        Console console = System.console();
        if (console == null || !isTerminal(console)) {
            return Optional.empty();
        }
        return Optional.of(prompt -> console.readPassword("%s", prompt));
    }

    // Java 22+ may return a Console for redirected streams; Console.isTerminal() (22+) tells.
    private static boolean isTerminal(Console console) {
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}

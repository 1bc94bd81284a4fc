package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.net.HostPort;
import com.seglamater.hivemind.model.text.Printable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A listener did not start: the variable that configured it, its address and the system's
 * reason, so that the operator reads one line and knows what to change. When the culprit cannot
 * be found again (the address was freed in the meantime), {@link #listeners()} holds them all.
 */
public final class CannotListenException extends IOException {

    /** A listener as the operator configured it. */
    public record Listener(String variable, HostPort address) {
        @Override
        public String toString() {
            return address + " (" + variable + ")";
        }
    }

    private final transient List<Listener> listeners;
    private final String reason;

    private CannotListenException(List<Listener> listeners, String reason, Throwable cause) {
        super("cannot listen on " + listeners.stream().map(Listener::toString).collect(Collectors.joining(" or "))
                + ": " + reason, cause);
        this.listeners = List.copyOf(listeners);
        this.reason = reason;
    }

    /** The listener that failed, or all of them when it is not known which. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** The system's reason in lower case, e.g. {@code address already in use}. */
    public String reason() {
        return reason;
    }

    /**
     * Finds which listener could not start. Helidon 4.5 logs it and returns a server that is not
     * running (later versions throw, {@code failure}); neither tells the caller which listener it
     * was. Binding each address again, in order, fails on the culprit with the system's reason.
     * Helidon has closed every listener by then, so only a taken, foreign or forbidden address
     * fails; one given as port 0 never does.
     */
    static CannotListenException diagnose(List<Listener> listeners, Optional<Throwable> failure) {
        for (Listener listener : listeners) {
            Optional<IOException> refused = tryBind(listener.address());
            if (refused.isPresent()) {
                return new CannotListenException(List.of(listener), reason(refused.get()), refused.get());
            }
        }
        Optional<Throwable> root = failure.map(CannotListenException::rootCause);
        String reason = root.filter(e -> e instanceof IOException).map(e -> reason((IOException) e))
                .orElse("the web server did not start (see the log)");
        return new CannotListenException(listeners, reason, failure.orElse(null));
    }

    private static Optional<IOException> tryBind(HostPort address) {
        InetSocketAddress socketAddress = new InetSocketAddress(address.host(), address.port());
        if (socketAddress.isUnresolved()) {
            return Optional.of(new IOException("cannot resolve host " + address.host()));
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(socketAddress);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The exception's message as a clause: {@code Address already in use} becomes {@code address already in use}. */
    private static String reason(IOException e) {
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return e.getClass().getSimpleName();
        }
        String message = Printable.replaced(e.getMessage(), ' ').strip();
        return Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
}

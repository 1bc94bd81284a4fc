package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.net.HostPort;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CannotListenExceptionTest {

    private static final CannotListenException.Listener ANY_MAIN =
            new CannotListenException.Listener("HIVEMIND_BIND", new HostPort("127.0.0.1", 0));

    @Test
    void namesTheListenerWhoseAddressIsTakenWithTheSystemsReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var admin = new CannotListenException.Listener("HIVEMIND_ADMIN_BIND",
                    new HostPort("127.0.0.1", taken.getLocalPort()));
            CannotListenException e = CannotListenException.diagnose(List.of(ANY_MAIN, admin), Optional.empty());
            assertThat(e.listeners()).containsExactly(admin);
            assertThat(e.reason()).isEqualTo("address already in use");
            assertThat(e).hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + " (HIVEMIND_ADMIN_BIND): address already in use");
        }
    }

    @Test
    void namesEveryListenerWithHelidonsReasonWhenNoAddressIsTakenAnyMore() {
        var admin = new CannotListenException.Listener("HIVEMIND_ADMIN_BIND", new HostPort("127.0.0.1", 0));
        Throwable helidon = new IllegalStateException("Failed to start Helidon WebServer",
                new BindException("Address already in use"));
        CannotListenException e = CannotListenException.diagnose(List.of(ANY_MAIN, admin), Optional.of(helidon));
        assertThat(e.listeners()).containsExactly(ANY_MAIN, admin);
        assertThat(e).hasMessage("cannot listen on 127.0.0.1:0 (HIVEMIND_BIND) or 127.0.0.1:0 (HIVEMIND_ADMIN_BIND): "
                + "address already in use").hasCause(helidon);
        assertThat(CannotListenException.diagnose(List.of(ANY_MAIN), Optional.empty()))
                .hasMessage("cannot listen on 127.0.0.1:0 (HIVEMIND_BIND): the web server did not start (see the log)");
    }
}

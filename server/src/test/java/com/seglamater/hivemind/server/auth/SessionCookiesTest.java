package com.seglamater.hivemind.server.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The session cookie is read by hand from each {@code Cookie} line: the first cookie of that exact name. */
class SessionCookiesTest {

    private static final String NAME = SessionCookies.SESSION;

    @Test
    void findsTheCookieAmongOthersWhereverItStands() {
        assertThat(SessionCookies.cookie("hivemind_session=abc", NAME)).isEqualTo("abc");
        assertThat(SessionCookies.cookie("authentik_proxy_x=1; hivemind_session=abc; hivemind_csrf=def", NAME))
                .isEqualTo("abc");
        assertThat(SessionCookies.cookie("a=1;hivemind_session=abc", NAME)).isEqualTo("abc");
        assertThat(SessionCookies.cookie("a=1;\thivemind_session=abc ", NAME)).isEqualTo("abc");
        assertThat(SessionCookies.cookie("a=1, hivemind_session=abc", NAME)).as("older clients' comma").isEqualTo("abc");
    }

    @Test
    void theFirstOfTwoWinsAndQuotesAreTakenOff() {
        assertThat(SessionCookies.cookie("hivemind_session=first; hivemind_session=second", NAME)).isEqualTo("first");
        assertThat(SessionCookies.cookie("hivemind_session=\"abc\"", NAME)).isEqualTo("abc");
    }

    @Test
    void onlyThatExactNameCounts() {
        assertThat(SessionCookies.cookie("hivemind_session_old=abc", NAME)).isNull();
        assertThat(SessionCookies.cookie("xhivemind_session=abc", NAME)).isNull();
        assertThat(SessionCookies.cookie("a=hivemind_session=abc", NAME)).isNull();
        assertThat(SessionCookies.cookie("hivemind_session", NAME)).isNull();
        assertThat(SessionCookies.cookie("", NAME)).isNull();
        assertThat(SessionCookies.cookie(";;,", NAME)).isNull();
    }

    @Test
    void anEmptyValueIsFoundAsEmpty() {
        assertThat(SessionCookies.cookie("hivemind_session=; a=1", NAME)).isEmpty();
        assertThat(SessionCookies.cookie("hivemind_session=", NAME)).isEmpty();
    }
}

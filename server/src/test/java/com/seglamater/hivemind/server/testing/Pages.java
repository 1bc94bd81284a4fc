package com.seglamater.hivemind.server.testing;

import com.seglamater.hivemind.server.TestServer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.seglamater.hivemind.server.testing.ApiClient.formBody;
import static org.assertj.core.api.Assertions.assertThat;

/** Checks of pages over HTTP, shared by the pages' plain tests: headers of a page, signing in by the form, its CSRF field. */
public final class Pages {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private Pages() {
    }

    /** A whole page with the headers every page has (CSP, no caching, no framing, no sniffing). */
    public static void assertHtmlPage(ApiClient.Response page) {
        assertPageHeaders(page);
        assertThat(page.body()).startsWith("<!doctype html>").doesNotContain("<script>").doesNotContain(" style=")
                .contains("<main id=\"main\"").contains("href=\"#main\"");
    }

    /** The headers of a page, also on a piece of one (a live region's fragment). */
    public static void assertPageHeaders(ApiClient.Response page) {
        assertThat(page.headers().firstValue("Content-Type").orElse("")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .contains("form-action 'self'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
        assertThat(page.headers().firstValue("X-Content-Type-Options").orElse("")).isEqualTo("nosniff");
        assertThat(page.headers().firstValue("X-Frame-Options").orElse("")).isEqualTo("DENY");
        assertThat(page.headers().firstValue("Referrer-Policy").orElse("")).isEqualTo("same-origin");
    }

    /** A browser signed in through the form. */
    public static ApiClient signedIn(TestServer server, String username) {
        ApiClient browser = server.client();
        ApiClient.Response answer = browser.form("/sign-in", formBody("username", username, "password",
                TestServer.PASSWORD, "next", "/"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(303);
        return browser;
    }

    /** Sends a page's form as {@code browser} would: the fields with the session's CSRF field (read from the dashboard). */
    public static ApiClient.Response submit(ApiClient browser, String path, String... fields) {
        String[] all = new String[fields.length + 2];
        all[0] = "csrf";
        all[1] = csrfField(browser.page("/"));
        System.arraycopy(fields, 0, all, 2, fields.length);
        return browser.form(path, formBody(all));
    }

    /** The value of the first CSRF field of the page. */
    public static String csrfField(ApiClient.Response page) {
        Matcher m = CSRF_FIELD.matcher(page.body());
        assertThat(m.find()).as("a CSRF field in " + page.body()).isTrue();
        return m.group(1);
    }
}

package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.web.ErrorPage;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser's error pages (the web package's {@link ErrorPage}): the status, a title, the
 * error's message, the incident id of a 500, and a way back. A page that needs a signed-in user
 * (401) sends the browser to the sign-in page instead, which brings it back afterwards.
 */
public final class ErrorPages implements ErrorPage {

    private final Views views;

    public ErrorPages(Views views) {
        this.views = views;
    }

    /**
     * What the error template shows. {@code retry}: the same request may well work later (429, 503),
     * so the page offers to try again.
     */
    public record ErrorView(int status, String title, String message, Optional<String> incident,
                            List<String> grantingGroups, Optional<String> logoutUrl, boolean retry) {
    }

    @Override
    public void send(ServerRequest req, ServerResponse res, Problem problem) {
        if (problem.status() == Status.UNAUTHORIZED_401) {
            signInFirst(req, res, problem);
            return;
        }
        List<String> groups = problem.fields().get("grantingGroups") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList() : List.of();
        // Someone the SSO proxy vouched for but who may not come in: another SSO account is the way out.
        Optional<String> logout = problem.code().startsWith("access_denied") || problem.code().equals("account_disabled")
                ? views.methods().logoutUrl().filter(u -> views.methods().forwardAuth()).map(URI::toString)
                : Optional.empty();
        int code = problem.status().code();
        boolean retry = req.prologue().method() == Method.GET && (code == 429 || code == 503 || code == 409);
        views.page(req, res, problem.status(), "ui/error.jte", Map.of("error", new ErrorView(code, title(problem),
                sentence(problem.message()), problem.incident(), groups, logout, retry)));
    }

    /**
     * 401 on a page: to the sign-in page, and back here afterwards (a GET). A form sent after the
     * session ended cannot be replayed: the page says so.
     */
    private void signInFirst(ServerRequest req, ServerResponse res, Problem problem) {
        String query = req.query().rawValue();
        String here = req.prologue().uriPath().path() + (query.isEmpty() ? "" : "?" + query);
        boolean get = req.prologue().method() == Method.GET;
        String location = get && !here.equals("/")
                ? "/sign-in?next=" + URLEncoder.encode(here, StandardCharsets.UTF_8) : "/sign-in";
        if (get) {
            Views.seeOther(res, location);
        } else {
            views.seeOther(req, res, location, Flash.Message.error(
                    "Your session had ended, so that form was not saved. Sign in and send it again."));
        }
    }

    private static String title(Problem problem) {
        return switch (problem.status().code()) {
            case 400 -> "The request could not be used";
            case 403 -> problem.code().equals("csrf_failed") ? "The form could not be accepted" : "Access denied";
            case 404 -> "Page not found";
            case 405 -> "Not possible here";
            case 409 -> "Something changed meanwhile";
            case 410 -> "No longer available";
            case 413 -> "Too much data";
            case 415 -> "Unsupported form";
            case 429 -> "Too many requests";
            case 500 -> "Something went wrong";
            case 503 -> "Temporarily unavailable";
            default -> problem.status().code() < 500 ? "The request could not be served" : "Something went wrong";
        };
    }

    /** API messages are lower-case phrases; a page shows them as a sentence. */
    public static String sentence(String message) {
        if (message.isEmpty()) {
            return message;
        }
        String text = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}

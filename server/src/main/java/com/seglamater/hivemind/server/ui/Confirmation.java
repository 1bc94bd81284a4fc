package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.web.FormBody;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;

/**
 * The question a page asks before a form whose effect is hard to take back (services restart,
 * sessions end) is acted on, so that it is asked with JavaScript off too. Such a form carries a
 * hidden {@value #FIELD} field, empty; the script's {@code data-confirm} dialog sets it to
 * {@code yes} when the answer is yes. A handler that gets the form without it ({@link #given})
 * answers with this page instead ({@link #show}): the question, the same form with the field set,
 * and a way back.
 *
 * @param title    the page's heading, a question ("Roll back?")
 * @param question what happens, in a sentence or two
 * @param action   where the form goes
 * @param fields   the form's own fields, sent again (never a password: the page would hold it)
 * @param button   the label of the button that goes ahead
 * @param danger   whether that button is drawn as a destructive one
 * @param cancel   where "Cancel" goes (a path on this server)
 */
public record Confirmation(String title, String question, String action, List<Field> fields, String button,
                           boolean danger, String cancel) {

    public static final String FIELD = "confirmed";

    public Confirmation {
        fields = List.copyOf(fields);
    }

    public record Field(String name, String value) {
    }

    /** Whether the form says its question was answered yes. */
    public static boolean given(FormBody form) {
        return form.text(FIELD).equals("yes");
    }

    /** Draws the question as a page (200): the form again, confirmed, and Cancel. */
    public void show(Views views, ServerRequest req, ServerResponse res) {
        views.page(req, res, "ui/confirm.jte", Map.of("confirmation", this));
    }
}

package com.seglamater.hivemind.server.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for tests: every record ends in CRLF, a field is either bare
 * (no comma, quote, CR or LF) or quoted with inner quotes doubled. Anything else (a bare
 * LF, a quote inside a bare field, text after a closing quote, a missing final CRLF) fails,
 * so a test that parses an export also checks that it is well-formed.
 */
public final class Csv {

    private Csv() {
    }

    public static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (field.isEmpty() && c == '"') {
                // A quoted field, up to its closing quote.
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unclosed quote in record " + (records.size() + 1));
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.append(q);
                    i++;
                }
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\r') {
                    throw new IllegalArgumentException("text after a closing quote at " + i);
                }
                continue;
            }
            if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                i++;
            } else if (c == '\r') {
                if (i + 1 >= n || text.charAt(i + 1) != '\n') {
                    throw new IllegalArgumentException("bare CR at " + i);
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i += 2;
            } else if (c == '\n') {
                throw new IllegalArgumentException("bare LF (not CRLF) at " + i);
            } else if (c == '"') {
                throw new IllegalArgumentException("quote inside a bare field at " + i);
            } else {
                field.append(c);
                i++;
            }
        }
        if (!record.isEmpty() || !field.isEmpty()) {
            throw new IllegalArgumentException("the last record does not end in CRLF");
        }
        return records;
    }
}

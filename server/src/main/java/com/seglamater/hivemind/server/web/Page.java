package com.seglamater.hivemind.server.web;

import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * One page of a list newest first: {@code next} is the {@code before} value for the
 * following page, absent on the last.
 */
public record Page<T>(List<T> items, Optional<Long> next) {

    /**
     * {@code fetched}: up to {@code limit + 1} items, newest first. The extra one, if there,
     * says another page exists without a count query; it is not shown.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, ToLongFunction<T> id) {
        boolean more = fetched.size() > limit;
        List<T> page = more ? List.copyOf(fetched.subList(0, limit)) : fetched;
        return new Page<>(page, more ? Optional.of(id.applyAsLong(page.getLast())) : Optional.empty());
    }
}

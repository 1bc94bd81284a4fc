package com.seglamater.hivemind.server.web;

import java.util.List;

/** A list answer: an object rather than a bare array, so that fields can be added without breaking clients. */
public record Listing<T>(List<T> items) {
}

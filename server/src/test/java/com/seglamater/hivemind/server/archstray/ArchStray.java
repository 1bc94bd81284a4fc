package com.seglamater.hivemind.server.archstray;

/** A class in no layer's package, for ArchitectureTest's check of its own rules; never used. */
public final class ArchStray {
}

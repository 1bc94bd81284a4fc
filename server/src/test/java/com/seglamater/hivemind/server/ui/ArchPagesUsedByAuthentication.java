package com.seglamater.hivemind.server.ui;

/** A target for {@code auth.ArchAuthUsingPages}; never used. */
public final class ArchPagesUsedByAuthentication {
}

package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.ui.ArchPagesUsedByAuthentication;

/** Authentication using the pages' frame (an arrow upwards), for ArchitectureTest's check of its own rules; never used. */
final class ArchAuthUsingPages {
    ArchPagesUsedByAuthentication pages;
}

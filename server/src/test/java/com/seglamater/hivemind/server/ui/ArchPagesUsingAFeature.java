package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.users.UsersService;

/** The pages' frame using a feature (the arrow points up), for ArchitectureTest's check of its own rules; never used. */
final class ArchPagesUsingAFeature {
    UsersService feature;
}

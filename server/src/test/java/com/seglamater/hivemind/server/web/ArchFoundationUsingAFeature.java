package com.seglamater.hivemind.server.web;

import com.seglamater.hivemind.server.users.UsersService;

/** Breaks the layers on purpose, for ArchitectureTest's check of its own rules; never used. */
final class ArchFoundationUsingAFeature {
    UsersService feature;
}

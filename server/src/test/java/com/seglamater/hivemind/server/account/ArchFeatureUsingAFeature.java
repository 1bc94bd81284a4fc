package com.seglamater.hivemind.server.account;

import com.seglamater.hivemind.server.users.UsersService;

/** One feature using another, for ArchitectureTest's check of its own rules; never used. */
final class ArchFeatureUsingAFeature {
    UsersService other;
}

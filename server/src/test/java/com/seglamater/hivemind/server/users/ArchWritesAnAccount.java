package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.UserStore;

/** Writes an account past the accounts core, for ArchitectureTest's check of its own rules; never used. */
final class ArchWritesAnAccount {
    void write(UserStore users) {
        users.update(null, null, null);
    }
}

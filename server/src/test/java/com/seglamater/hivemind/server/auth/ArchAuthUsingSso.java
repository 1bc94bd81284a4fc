package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.sso.ForwardAuth;

/** Authentication reaching into sso, for ArchitectureTest's check of its own rules; never used. */
final class ArchAuthUsingSso {
    ForwardAuth proxy;
}

package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.server.ratelimit.ArchCycleTwo;

/** One half of a package cycle, for ArchitectureTest's check of its own rules; never used. */
public final class ArchCycleOne {
    ArchCycleTwo other;
}

package com.seglamater.hivemind.server.ratelimit;

import com.seglamater.hivemind.server.net.ArchCycleOne;

/** The other half of a package cycle, for ArchitectureTest's check of its own rules; never used. */
public final class ArchCycleTwo {
    ArchCycleOne other;
}

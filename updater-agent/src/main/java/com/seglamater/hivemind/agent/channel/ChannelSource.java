package com.seglamater.hivemind.agent.channel;

/** Fetches a channel's current statement; {@link ChannelClient} over HTTPS in production. */
public interface ChannelSource {

    /**
     * Fetches {@code channels/<channel>/latest.json} (conditionally, with {@code validators}) and,
     * when it changed, {@code latest.json.asc}. Never throws for network trouble: that is
     * {@link ChannelFetch.Unreachable}.
     */
    ChannelFetch fetch(String channel, ChannelFetch.Validators validators);
}

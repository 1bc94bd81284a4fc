package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.agent.channel.ChannelFetch;
import com.seglamater.hivemind.agent.channel.ChannelSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** A channel read straight from a release tree on disk (no HTTP): for tests of what the agent does with what it fetched. */
public final class TreeSource implements ChannelSource {

    private final Path tree;
    public int fetches;

    public TreeSource(Path tree) {
        this.tree = tree;
    }

    @Override
    public ChannelFetch fetch(String channel, ChannelFetch.Validators validators) {
        fetches++;
        Path latest = tree.resolve("channels").resolve(channel).resolve("latest.json");
        try {
            byte[] statement = Files.readAllBytes(latest);
            Optional<byte[]> signature;
            try {
                signature = Optional.of(Files.readAllBytes(latest.resolveSibling("latest.json.asc")));
            } catch (NoSuchFileException e) {
                signature = Optional.empty();
            }
            return new ChannelFetch.Fetched(statement, signature, ChannelFetch.Validators.NONE);
        } catch (NoSuchFileException e) {
            return new ChannelFetch.NoRelease(404);
        } catch (IOException e) {
            return new ChannelFetch.Unreachable(e.getMessage());
        }
    }
}

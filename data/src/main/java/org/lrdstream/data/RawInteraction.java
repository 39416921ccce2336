package org.lrdstream.data;

/**
 * One interaction as it comes from a source, before the leave-one-out protocol: the source's own
 * user and item ids (strings, as in the {@code interactions} topic) and the time in epoch
 * milliseconds (kept finer than the seconds of {@link Interaction} so that sorting is exact).
 */
public record RawInteraction(String user, String item, long epochMillis) {}

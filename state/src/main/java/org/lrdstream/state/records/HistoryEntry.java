package org.lrdstream.state.records;

/** One item of a user's history, with its event time in epoch milliseconds. */
public record HistoryEntry(String item, long ts) {}

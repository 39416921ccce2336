package org.lrdstream.ingest.topology;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.lrdstream.state.records.HistoryEntry;

/**
 * A user's last N items in event-time order (oldest first); equal times keep arrival order. The
 * value of the {@code user-sequences} store.
 */
record UserHistory(List<HistoryEntry> entries) {
  static final UserHistory EMPTY = new UserHistory(List.of());

  /** Event time of the newest entry; the reference point of the grace period. */
  long latestTs() {
    return entries.isEmpty() ? Long.MIN_VALUE : entries.get(entries.size() - 1).ts();
  }

  /** Index at which an event at {@code ts} belongs: after every entry at or before {@code ts}. */
  int insertionPoint(long ts) {
    int i = entries.size();
    while (i > 0 && entries.get(i - 1).ts() > ts) {
      i--; // late events are rare and land near the end: scanning from the back is cheapest
    }
    return i;
  }

  /** This history with the entry inserted at {@code at}, keeping only the newest {@code max}. */
  UserHistory insert(int at, HistoryEntry entry, int max) {
    var out = new ArrayList<HistoryEntry>(entries.size() + 1);
    out.addAll(entries.subList(0, at));
    out.add(entry);
    out.addAll(entries.subList(at, entries.size()));
    int drop = out.size() - max;
    return new UserHistory(drop > 0 ? out.subList(drop, out.size()) : out);
  }

  /**
   * A compact binary form: this store is written once per event and its changelog replayed on
   * restore, so it stays off the JSON path. Version byte first, to allow a later change.
   */
  static Serde<UserHistory> serde() {
    return Serdes.serdeFrom((topic, h) -> h == null ? null : encode(h),
        (topic, data) -> data == null ? null : decode(data));
  }

  /**
   * Format 1: a version byte, the entry count (int), then per entry the item as {@link
   * DataOutputStream#writeUTF} writes it and the time (long), big-endian. Written directly into
   * one array when every item id is ASCII without NUL (then writeUTF's bytes are the characters),
   * through DataOutputStream otherwise: the same bytes either way.
   */
  static byte[] encode(UserHistory h) {
    int size = 5;
    for (var e : h.entries) {
      var item = e.item();
      if (!plainAscii(item) || item.length() > 65535) {
        return encodeWithStreams(h);
      }
      size += 2 + item.length() + 8;
    }
    var buf = java.nio.ByteBuffer.allocate(size);
    buf.put((byte) 1).putInt(h.entries.size());
    for (var e : h.entries) {
      var item = e.item();
      buf.putShort((short) item.length());
      for (int i = 0; i < item.length(); i++) {
        buf.put((byte) item.charAt(i));
      }
      buf.putLong(e.ts());
    }
    return buf.array();
  }

  static UserHistory decode(byte[] data) {
    var buf = java.nio.ByteBuffer.wrap(data);
    int version = buf.get();
    if (version != 1) {
      throw new IllegalStateException("user history of unknown format version " + version);
    }
    int n = buf.getInt();
    var entries = new ArrayList<HistoryEntry>(n);
    for (int i = 0; i < n; i++) {
      int len = buf.getShort() & 0xFFFF;
      int at = buf.position();
      for (int k = at; k < at + len; k++) {
        if (data[k] <= 0) { // a multi-byte character (or NUL, written as two bytes): the general reader
          return decodeWithStreams(data);
        }
      }
      var item = new String(data, at, len, java.nio.charset.StandardCharsets.ISO_8859_1);
      buf.position(at + len);
      entries.add(new HistoryEntry(item, buf.getLong()));
    }
    return new UserHistory(entries);
  }

  private static boolean plainAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c > 0x7F) {
        return false;
      }
    }
    return true;
  }

  static byte[] encodeWithStreams(UserHistory h) {
    var bytes = new ByteArrayOutputStream(16 + h.entries.size() * 24);
    try (var out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeInt(h.entries.size());
      for (var e : h.entries) {
        out.writeUTF(e.item());
        out.writeLong(e.ts());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static UserHistory decodeWithStreams(byte[] data) {
    try (var in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
      int version = in.readByte();
      if (version != 1) {
        throw new IllegalStateException("user history of unknown format version " + version);
      }
      int n = in.readInt();
      var entries = new ArrayList<HistoryEntry>(n);
      for (int i = 0; i < n; i++) {
        entries.add(new HistoryEntry(in.readUTF(), in.readLong()));
      }
      return new UserHistory(entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}

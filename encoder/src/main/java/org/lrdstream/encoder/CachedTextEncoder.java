package org.lrdstream.encoder;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.lrdstream.state.progress.ProgressBar;

/**
 * Keeps the vectors of another encoder on disk, keyed by (encoder id, SHA-256 of the text), so that
 * each text is encoded once per model however often the data is reloaded. Only texts not in the
 * cache reach the underlying encoder, in chunks of its {@linkplain TextEncoder#preferredBatchSize()
 * preferred batch size}, each chunk written to disk as soon as it is done: an interrupted run over a
 * large catalog resumes where it stopped. When more than one chunk is to be encoded a progress bar
 * is drawn, advanced after every batch the encoder finishes.
 *
 * <p>File format, one file per encoder id in the cache directory: a header ({@code "LRDVEC01"},
 * dimension, encoder id), then append-only records {@code [32-byte SHA-256][dimension float32][CRC32
 * of the preceding bytes]}, big-endian. On open every record is read into memory; reading stops at
 * the first record that is short or fails its checksum (a crash in the middle of an append) and the
 * file is cut back to the last good record, so the next append starts aligned. Appends hold an
 * exclusive file lock and are forced to disk.
 *
 * <p>Closing it closes the underlying encoder. Thread-safe ({@link #encode} is serialised).
 */
public final class CachedTextEncoder implements TextEncoder {
  static final byte[] MAGIC = "LRDVEC01".getBytes(StandardCharsets.US_ASCII);
  private static final int HASH_BYTES = 32;

  private final TextEncoder delegate;
  private final Path file;
  private final PrintStream progressOut;
  private final Map<TextHash, float[]> vectors = new HashMap<>();
  private FileChannel channel;
  private int dimension; // 0 until known from the file header or the first vectors
  private long hits;
  private long misses;
  private boolean closed;

  private CachedTextEncoder(TextEncoder delegate, Path file, PrintStream progressOut) {
    this.delegate = delegate;
    this.file = file;
    this.progressOut = progressOut;
  }

  /** Opens (or starts) the cache of {@code delegate} in {@code cacheDir}, progress on stderr. */
  public static CachedTextEncoder open(TextEncoder delegate, Path cacheDir) {
    return open(delegate, cacheDir, System.err);
  }

  /**
   * Opens (or starts) the cache of {@code delegate} in {@code cacheDir}.
   *
   * @param progressOut where the progress bar is drawn; {@code null} for none
   * @throws EncoderException when the cache file cannot be read or belongs to another encoder
   */
  public static CachedTextEncoder open(
      TextEncoder delegate, Path cacheDir, PrintStream progressOut) {
    Path file = cacheDir.resolve(fileName(delegate.id()));
    var cache = new CachedTextEncoder(delegate, file, progressOut);
    try {
      Files.createDirectories(cacheDir);
      cache.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try (FileLock lock = cache.channel.lock()) {
        cache.load();
      }
    } catch (IOException e) {
      cache.closeChannelQuietly();
      throw new EncoderException("cannot open the vector cache " + file + ": " + e, e);
    } catch (RuntimeException e) {
      cache.closeChannelQuietly();
      throw e;
    }
    return cache;
  }

  /** The cache file of an encoder id: the id made file-name safe, plus a hash if it had to be. */
  static String fileName(String encoderId) {
    String safe = encoderId.replaceAll("[^A-Za-z0-9._-]", "_");
    if (!safe.equals(encoderId)) {
      safe += "-" + HexFormat.of().formatHex(sha256(encoderId.getBytes(StandardCharsets.UTF_8)), 0, 4);
    }
    return safe + ".vec";
  }

  /** The file this cache lives in. */
  public Path file() {
    return file;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public synchronized int dimension() {
    return dimension != 0 ? dimension : delegate.dimension();
  }

  @Override
  public int preferredBatchSize() {
    return delegate.preferredBatchSize();
  }

  /** Texts answered from the cache so far. */
  public synchronized long hits() {
    return hits;
  }

  /** Texts sent to the underlying encoder so far (a text repeated in one call counts once). */
  public synchronized long misses() {
    return misses;
  }

  /** Number of distinct texts in the cache. */
  public synchronized int size() {
    return vectors.size();
  }

  @Override
  public synchronized float[][] encode(List<String> texts) {
    if (closed) {
      throw new IllegalStateException("the vector cache " + file + " is closed");
    }
    float[][] out = new float[texts.size()][];
    // texts to encode, each once, with the positions waiting for it
    Map<TextHash, List<Integer>> missing = new LinkedHashMap<>();
    List<String> missingTexts = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        throw new IllegalArgumentException("text " + i + " is null");
      }
      TextHash key = TextHash.of(text);
      float[] v = vectors.get(key);
      if (v != null) {
        hits++;
        out[i] = v.clone();
      } else {
        missing.computeIfAbsent(key, k -> {
          missingTexts.add(text);
          return new ArrayList<>();
        }).add(i);
      }
    }
    if (missingTexts.isEmpty()) {
      return out;
    }
    List<TextHash> keys = new ArrayList<>(missing.keySet());
    int chunk = Math.max(1, delegate.preferredBatchSize());
    ProgressBar bar =
        missingTexts.size() > chunk && progressOut != null
            ? new ProgressBar("encode " + id(), missingTexts.size(), progressOut)
            : null;
    try {
      for (int start = 0; start < missingTexts.size(); start += chunk) {
        int end = Math.min(missingTexts.size(), start + chunk);
        float[][] encoded =
            bar == null
                ? delegate.encode(missingTexts.subList(start, end))
                : delegate.encode(missingTexts.subList(start, end), bar::step);
        if (encoded.length != end - start) {
          throw new EncoderException(
              "text encoder " + id() + " returned " + encoded.length + " vectors for "
                  + (end - start) + " texts");
        }
        append(keys.subList(start, end), encoded);
        for (int j = 0; j < encoded.length; j++) {
          TextHash key = keys.get(start + j);
          vectors.put(key, encoded[j]);
          for (int pos : missing.get(key)) {
            out[pos] = encoded[j].clone();
          }
        }
        misses += encoded.length;
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    return out;
  }

  private void append(List<TextHash> keys, float[][] encoded) {
    if (dimension == 0) {
      dimension = encoded[0].length;
    }
    int recordBytes = recordBytes(dimension);
    ByteBuffer buf = ByteBuffer.allocate(keys.size() * recordBytes);
    CRC32 crc = new CRC32();
    for (int j = 0; j < encoded.length; j++) {
      if (encoded[j].length != dimension) {
        throw new EncoderException(
            "text encoder " + id() + " returned a vector of length " + encoded[j].length
                + ", the cache " + file + " holds length " + dimension);
      }
      int recordStart = buf.position();
      keys.get(j).writeTo(buf);
      for (float x : encoded[j]) {
        buf.putFloat(x);
      }
      crc.reset();
      crc.update(buf.array(), recordStart, buf.position() - recordStart);
      buf.putInt((int) crc.getValue());
    }
    buf.flip();
    try (FileLock lock = channel.lock()) {
      long size = channel.size();
      if (size == 0) {
        channel.write(header(dimension, id()), 0);
        size = channel.position(channel.size()).position();
      }
      channel.position(size);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new EncoderException("cannot write the vector cache " + file + ": " + e, e);
    }
  }

  static int recordBytes(int dimension) {
    return HASH_BYTES + 4 * dimension + 4;
  }

  private static ByteBuffer header(int dimension, String id) {
    byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
    ByteBuffer h = ByteBuffer.allocate(MAGIC.length + 8 + idBytes.length);
    h.put(MAGIC).putInt(dimension).putInt(idBytes.length).put(idBytes);
    return h.flip();
  }

  /** Reads the file into the map; cuts off a torn or corrupt tail. Called under the file lock. */
  private void load() throws IOException {
    long size = channel.size();
    if (size == 0) {
      return;
    }
    channel.position(0);
    InputStream raw = Channels.newInputStream(channel);
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    byte[] magic = new byte[MAGIC.length];
    int dim;
    String storedId;
    long good;
    try {
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new EncoderException(
            "the vector cache " + file + " is not a vector cache file (bad magic); move it away");
      }
      dim = in.readInt();
      int idLength = in.readInt();
      if (dim <= 0 || idLength < 0 || idLength > 4096) {
        throw new EncoderException("the vector cache " + file + " has a corrupt header");
      }
      byte[] id = new byte[idLength];
      in.readFully(id);
      storedId = new String(id, StandardCharsets.UTF_8);
      good = MAGIC.length + 8L + idLength;
    } catch (EOFException e) {
      // the header itself was torn: nothing was ever recorded after it
      channel.truncate(0);
      return;
    }
    if (!storedId.equals(id())) {
      throw new EncoderException(
          "the vector cache " + file + " belongs to encoder " + storedId + ", not " + id());
    }
    dimension = dim;
    byte[] record = new byte[recordBytes(dim)];
    CRC32 crc = new CRC32();
    while (true) {
      int n = in.readNBytes(record, 0, record.length);
      if (n < record.length) {
        break; // end of file, or a record torn by a crash
      }
      ByteBuffer r = ByteBuffer.wrap(record);
      crc.reset();
      crc.update(record, 0, record.length - 4);
      if ((int) crc.getValue() != r.getInt(record.length - 4)) {
        break; // written length but not written content: treat as torn
      }
      TextHash key = TextHash.readFrom(r);
      float[] v = new float[dim];
      for (int d = 0; d < dim; d++) {
        v[d] = r.getFloat();
      }
      vectors.put(key, v);
      good += record.length;
    }
    if (good < size) {
      channel.truncate(good);
      channel.force(true);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the vector cache " + file, e);
    } finally {
      delegate.close();
    }
  }

  private void closeChannelQuietly() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        // the original failure is the one to report
      }
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** SHA-256 of a text's UTF-8 bytes, as four longs: cheap to hash and compare. */
  record TextHash(long a, long b, long c, long d) {
    static TextHash of(String text) {
      return readFrom(ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8))));
    }

    static TextHash readFrom(ByteBuffer buf) {
      return new TextHash(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
    }

    void writeTo(ByteBuffer buf) {
      buf.putLong(a).putLong(b).putLong(c).putLong(d);
    }
  }
}

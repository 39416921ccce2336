package org.lrdstream.state.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The on-disk form of a checkpoint: a directory with {@code checkpoint.json} (metadata and the
 * index of tensors) and {@code tensors.bin} (the values, little-endian, in index order) whose
 * sha256 is in the metadata. Written into a temporary sibling directory and renamed into place, so
 * a reader sees a whole checkpoint or none; read back only if the digest and every size match.
 */
public final class CheckpointFiles {
  public static final String META = "checkpoint.json";
  public static final String DATA = "tensors.bin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckpointFiles() {}

  /** Writes {@code checkpoint} as directory {@code dir} atomically; returns the sha256 of its data. */
  public static String write(Checkpoint checkpoint, Path dir) {
    try {
      var parent = dir.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      var tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp-");
      String sha;
      var digest = sha256();
      try (OutputStream out = new DigestOutputStream(
          new BufferedOutputStream(Files.newOutputStream(tmp.resolve(DATA)), 1 << 20), digest)) {
        var buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (var t : checkpoint.tensors()) {
          if (t.floats() != null) {
            for (float v : t.floats()) {
              if (buf.remaining() < 4) {
                flush(buf, out);
              }
              buf.putFloat(v);
            }
          } else {
            for (long v : t.longs()) {
              if (buf.remaining() < 8) {
                flush(buf, out);
              }
              buf.putLong(v);
            }
          }
        }
        flush(buf, out);
      }
      sha = HexFormat.of().formatHex(digest.digest());
      var meta = metadata(checkpoint, sha);
      Files.write(tmp.resolve(META), JSON.writeValueAsBytes(meta));
      if (Files.exists(dir)) {
        var old = parent.resolve("." + dir.getFileName() + ".old-" + System.nanoTime());
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.moveIntoPlace(tmp, dir);
        DurableFiles.deleteTree(old);
      } else {
        DurableFiles.moveIntoPlace(tmp, dir);
      }
      return sha;
    } catch (IOException e) {
      throw new CheckpointException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }

  private static ObjectNode metadata(Checkpoint c, String sha) {
    var m = JSON.createObjectNode();
    m.put("format", Checkpoint.FORMAT);
    m.put("format_version", Checkpoint.FORMAT_VERSION);
    m.put("version", c.version());
    m.put("created_at", c.createdAt());
    m.put("sha256", sha);
    m.set("config", c.config());
    m.set("relations", JSON.valueToTree(c.relations()));
    m.set("offsets", JSON.valueToTree(c.offsets()));
    m.set("metrics", JSON.valueToTree(c.metrics()));
    m.set("extra", JSON.valueToTree(c.extra()));
    var index = m.putArray("tensors");
    long offset = 0;
    for (var t : c.tensors()) {
      var e = index.addObject();
      e.put("name", t.name());
      e.put("dtype", t.dtype());
      var shape = e.putArray("shape");
      for (long s : t.shape()) {
        shape.add(s);
      }
      e.put("offset", offset);
      e.put("bytes", t.bytes());
      offset += t.bytes();
    }
    m.put("data_bytes", offset);
    m.set("users", JSON.valueToTree(c.users()));
    m.set("items", JSON.valueToTree(c.items()));
    return m;
  }

  /** Reads a checkpoint, verifying its digest; a partial or corrupt one is refused. */
  public static Checkpoint read(Path dir) {
    var metaFile = dir.resolve(META);
    var dataFile = dir.resolve(DATA);
    if (!Files.isRegularFile(metaFile) || !Files.isRegularFile(dataFile)) {
      throw new CheckpointException("not a checkpoint (no " + META + " and " + DATA + "): " + dir);
    }
    try {
      var m = JSON.readTree(metaFile.toFile());
      if (!Checkpoint.FORMAT.equals(m.path("format").asText())) {
        throw new CheckpointException(metaFile + ": not an lrd checkpoint (format '" + m.path("format").asText() + "')");
      }
      if (m.path("format_version").asInt() > Checkpoint.FORMAT_VERSION) {
        throw new CheckpointException(metaFile + ": format version " + m.path("format_version").asInt()
            + " is newer than this build reads (" + Checkpoint.FORMAT_VERSION + ")");
      }
      long expectedBytes = m.path("data_bytes").asLong(-1);
      if (Files.size(dataFile) != expectedBytes) {
        throw new CheckpointException(dataFile + ": " + Files.size(dataFile) + " bytes, the index says "
            + expectedBytes + " (partial or corrupt checkpoint)");
      }
      var digest = sha256();
      var tensors = new ArrayList<Tensor>();
      try (InputStream raw = Files.newInputStream(dataFile);
          var in = new DataInputStream(new java.io.BufferedInputStream(new DigestInputStream(raw, digest), 1 << 20))) {
        for (var e : m.path("tensors")) {
          var shapeNode = e.path("shape");
          var shape = new long[shapeNode.size()];
          long size = 1;
          for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            size *= shape[i];
          }
          var name = e.path("name").asText();
          var bytes = new byte[Math.toIntExact(e.path("bytes").asLong())];
          in.readFully(bytes);
          var bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
          if ("float32".equals(e.path("dtype").asText())) {
            var v = new float[Math.toIntExact(size)];
            bb.asFloatBuffer().get(v);
            tensors.add(Tensor.of(name, v, shape));
          } else {
            var v = new long[Math.toIntExact(size)];
            bb.asLongBuffer().get(v);
            tensors.add(Tensor.ofLongs(name, v, shape));
          }
        }
      }
      var sha = HexFormat.of().formatHex(digest.digest());
      if (!sha.equals(m.path("sha256").asText())) {
        throw new CheckpointException(dataFile + ": sha256 " + sha + " does not match the recorded "
            + m.path("sha256").asText() + " (corrupt checkpoint)");
      }
      Map<String, Long> offsets = new LinkedHashMap<>();
      m.path("offsets").fields().forEachRemaining(f -> offsets.put(f.getKey(), f.getValue().asLong()));
      Map<String, Double> metrics = new LinkedHashMap<>();
      m.path("metrics").fields().forEachRemaining(f -> metrics.put(f.getKey(), f.getValue().asDouble()));
      @SuppressWarnings("unchecked")
      Map<String, Object> extra = JSON.convertValue(m.path("extra"), LinkedHashMap.class);
      List<String> relations = JSON.convertValue(m.path("relations"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
      List<String> users = JSON.convertValue(m.path("users"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
      List<String> items = JSON.convertValue(m.path("items"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
      return new Checkpoint(m.path("version").asLong(), m.path("created_at").asLong(), m.path("config"),
          relations, users, items, offsets, metrics, extra == null ? Map.of() : extra, tensors);
    } catch (java.io.EOFException e) {
      throw new CheckpointException(dataFile + ": ends early (partial checkpoint)", e);
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

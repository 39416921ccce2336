package org.lrdstream.state.checkpoint;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * File writes that a crash cannot leave half done: the bytes go to a temporary sibling that is then
 * renamed over the target, so a reader sees the old file or the new one, never a torn one.
 */
public final class DurableFiles {
  private DurableFiles() {}

  public static void writeAtomically(Path file, byte[] bytes) throws IOException {
    var parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    var tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
    try {
      Files.write(tmp, bytes);
      moveIntoPlace(tmp, file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Renames {@code from} to {@code to} atomically where the file system can, replacing it. */
  public static void moveIntoPlace(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a directory with everything in it. */
  public static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (var f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}

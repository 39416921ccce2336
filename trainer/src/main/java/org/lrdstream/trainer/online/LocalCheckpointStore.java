package org.lrdstream.trainer.online;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.DurableFiles;

/**
 * Checkpoints as directories {@code v000000000042/} of a local (or network-mounted) directory,
 * each written by {@link CheckpointFiles#write} (temporary sibling, then an atomic rename). The
 * announced location is the absolute path, which the scorer reads.
 */
public final class LocalCheckpointStore implements CheckpointStore {
  private static final Pattern NAME = Pattern.compile("v(\\d{12})");

  private final Path dir;

  public LocalCheckpointStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the checkpoint directory " + this.dir + ": " + e.getMessage(), e);
    }
    if (!Files.isWritable(this.dir)) {
      throw new IllegalArgumentException("checkpoint directory " + this.dir + " is not writable");
    }
  }

  public Path directory() {
    return dir;
  }

  public Path pathOf(long version) {
    return dir.resolve(String.format("v%012d", version));
  }

  @Override
  public Stored put(Checkpoint checkpoint) {
    var path = pathOf(checkpoint.version());
    var sha = CheckpointFiles.write(checkpoint, path);
    return new Stored(checkpoint.version(), path.toString(), sha);
  }

  @Override
  public List<Long> versions() {
    try (var s = Files.list(dir)) {
      return s.map(p -> NAME.matcher(p.getFileName().toString()))
          .filter(m -> m.matches())
          .map(m -> Long.parseLong(m.group(1)))
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the checkpoint directory " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Checkpoint read(long version) {
    var c = CheckpointFiles.read(pathOf(version));
    if (c.version() != version) {
      throw new CheckpointException(pathOf(version) + " holds checkpoint v" + c.version() + ", not v" + version);
    }
    return c;
  }

  @Override
  public void retainNewest(int keep) {
    var all = versions();
    for (int i = Math.max(1, keep); i < all.size(); i++) {
      try {
        DurableFiles.deleteTree(pathOf(all.get(i)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete old checkpoint " + pathOf(all.get(i)) + ": " + e.getMessage(), e);
      }
    }
  }
}

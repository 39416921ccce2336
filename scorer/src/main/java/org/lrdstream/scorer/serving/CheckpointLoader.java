package org.lrdstream.scorer.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.RelationLabels;
import org.lrdstream.state.records.CheckpointMetadata;

/**
 * Turns a published checkpoint into a servable model, refusing anything that is not exactly what
 * was announced: a missing or partial directory, data whose sha256 differs from the one recorded
 * with it ({@link CheckpointFiles#read}), or a directory whose recorded sha256 or version differs
 * from the {@code model-checkpoints} record.
 */
public final class CheckpointLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckpointLoader() {}

  /** Loads a checkpoint directory (the {@code --checkpoint} flag). */
  public static ServingModel fromDirectory(Path dir, int layers) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint directory " + dir + " does not exist");
    }
    return ServingModel.load(CheckpointFiles.read(dir), layers, RelationLabels.readFrom(dir));
  }

  /** Loads the checkpoint a {@code model-checkpoints} record announces. */
  public static ServingModel fromMetadata(CheckpointMetadata meta, int layers) {
    if (meta.path() == null) {
      throw new CheckpointException("checkpoint v" + meta.version() + " is inline (" + meta.bytes().length
          + " bytes); this scorer reads checkpoints by path only: publish the directory's path");
    }
    var dir = Path.of(meta.path());
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint v" + meta.version() + ": directory " + dir + " does not exist");
    }
    String recorded;
    try {
      recorded = JSON.readTree(dir.resolve(CheckpointFiles.META).toFile()).path("sha256").asText();
    } catch (IOException e) {
      throw new CheckpointException("checkpoint v" + meta.version() + ": cannot read " + dir.resolve(CheckpointFiles.META)
          + ": " + e.getMessage(), e);
    }
    if (meta.sha256() != null && !meta.sha256().equalsIgnoreCase(recorded)) {
      throw new CheckpointException("checkpoint v" + meta.version() + " at " + dir + " has sha256 " + recorded
          + ", the published record says " + meta.sha256());
    }
    var checkpoint = CheckpointFiles.read(dir); // verifies the data against the recorded sha256
    if (checkpoint.version() != meta.version()) {
      throw new CheckpointException("checkpoint at " + dir + " is v" + checkpoint.version()
          + ", the published record says v" + meta.version());
    }
    return ServingModel.load(checkpoint, layers, RelationLabels.readFrom(dir));
  }
}

package org.lrdstream.trainer.online;

import java.util.List;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointException;

/**
 * Where the trainer keeps its checkpoints. A put is atomic (a reader finds the whole checkpoint or
 * nothing) and a read verifies the checksum, refusing a corrupt or partial checkpoint with a {@link
 * CheckpointException}. {@link LocalCheckpointStore} is the default; an object store (put the
 * files under a versioned key, then the manifest) fits the same interface.
 */
public interface CheckpointStore {
  /** A stored checkpoint: where readers find it (what {@code model-checkpoints} announces). */
  record Stored(long version, String location, String sha256) {}

  /** Stores {@code checkpoint} under its version, atomically. */
  Stored put(Checkpoint checkpoint);

  /** The versions held, newest first (whether intact or not is only known by reading). */
  List<Long> versions();

  /** Reads and verifies one version. */
  Checkpoint read(long version);

  /** Deletes all but the newest {@code keep} versions. */
  void retainNewest(int keep);
}

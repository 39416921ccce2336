package org.lrdstream.app;

import java.nio.file.Path;
import org.lrdstream.data.Dataset;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.trainer.experiment.Experiment;

/** Checks shared by the commands that read a checkpoint together with a data set. */
final class CheckpointData {
  private CheckpointData() {}

  /** A checkpoint read against another data set would show the wrong items: refuse it. */
  static void checkSameItems(Checkpoint c, Dataset data, Path checkpoint, Path dataDir) {
    if (c.items().isEmpty() || c.relations().isEmpty()) {
      throw new IllegalArgumentException(checkpoint + " holds tensors only (no model configuration or vocabulary), like a"
          + " run's progress state in OUT/progress/: give a model checkpoint such as OUT/checkpoints/<model>-seed<N>");
    }
    int items = c.items().size() - 1;
    if (items != data.numItems()) {
      throw new IllegalArgumentException(checkpoint + " has " + items + " items, " + dataDir + " has " + data.numItems()
          + ": give the data set the checkpoint was trained on");
    }
    var ids = Experiment.itemIds(data);
    for (int i = 1; i <= items; i++) {
      var expected = ids.get(i);
      if (!expected.equals(c.items().get(i))) {
        throw new IllegalArgumentException(checkpoint + ": item " + i + " is '" + c.items().get(i) + "', " + dataDir
            + " has '" + expected + "': give the data set the checkpoint was trained on");
      }
    }
  }
}

package org.lrdstream.model;

import java.util.ArrayList;
import java.util.List;
import org.lrdstream.data.Dataset;
import org.lrdstream.state.checkpoint.Checkpoint;

/** Item ids of a checkpoint against the ids a data set's replay publishes. */
public final class CheckpointIds {
  private CheckpointIds() {}

  /**
   * Replay publishes a data set's items under their external ids (source ids such as ASINs where
   * known, as offline checkpoints name them). A checkpoint of the same data set that names items by
   * row number (an older one) is renamed to those ids — after checking it is that data set's.
   */
  public static Checkpoint withReplayItemIds(Checkpoint c, Dataset data) {
    int n = data.numItems();
    if (c.items().size() != n + 1) {
      throw new IllegalArgumentException("checkpoint v" + c.version() + " has " + (c.items().size() - 1)
          + " items, data set " + data.name() + " has " + n + ": not a checkpoint of this data set");
    }
    var ids = new ArrayList<String>(n + 1);
    ids.add("");
    for (int i = 1; i <= n; i++) {
      var row = Integer.toString(i);
      var external = data.catalog().externalId(i);
      var had = c.items().get(i);
      if (!had.equals(row) && !had.equals(external)) {
        throw new IllegalArgumentException("checkpoint v" + c.version() + " names item row " + i + " '" + had
            + "', data set " + data.name() + " names it '" + external + "': not a checkpoint of this data set");
      }
      ids.add(external);
    }
    return new Checkpoint(c.version(), c.createdAt(), c.config(), c.relations(), c.users(), List.copyOf(ids),
        c.offsets(), c.metrics(), c.extra(), c.tensors());
  }
}

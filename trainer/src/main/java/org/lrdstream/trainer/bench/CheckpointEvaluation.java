package org.lrdstream.trainer.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.Interaction;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.trainer.offline.Evaluator;
import org.lrdstream.trainer.offline.Metrics;
import org.lrdstream.trainer.offline.UserHistories;

/**
 * The paper's protocol (the offline {@link Evaluator}) on a checkpoint whose rows are not the data
 * set's: the online trainer numbers users and items in the order it meets them. The data set is
 * renumbered into the checkpoint's rows through the external ids replay publishes (users by row
 * number, items by {@code Catalog.externalId}), so the same histories, held-out items and negatives
 * are ranked.
 */
public final class CheckpointEvaluation {
  private CheckpointEvaluation() {}

  /** Test metrics of {@code c} on {@code data}'s test split (histories: train, then dev). */
  public static Metrics test(Checkpoint c, Dataset data, int batchUsers, int threads) {
    var mapped = renumbered(c, data);
    try (var manager = NDManager.newBaseManager("PyTorch")) {
      JniUtils.setGradMode(false); // loading rows in place, and scoring, record no graph
      try (var model = ModelCheckpoint.fromCheckpoint(c, manager, null)) {
        return new Evaluator(new UserHistories(mapped), batchUsers, threads).evaluate(model, mapped.test(), true);
      }
    }
  }

  /** {@code data} with users and items renumbered to the rows of {@code c}. */
  static Dataset renumbered(Checkpoint c, Dataset data) {
    var users = rows(c.users());
    var items = rows(c.items());
    int[] user = new int[data.numUsers() + 1];
    for (int u = 1; u <= data.numUsers(); u++) {
      Integer row = users.get(Integer.toString(u));
      if (row == null) {
        throw new IllegalArgumentException("checkpoint v" + c.version() + " has no user '" + u + "' of " + data.name()
            + ": it was not trained on this data set's replay");
      }
      user[u] = row;
    }
    int[] item = new int[data.numItems() + 1];
    for (int i = 1; i <= data.numItems(); i++) {
      var id = data.catalog().externalId(i);
      Integer row = items.get(id);
      if (row == null) {
        throw new IllegalArgumentException("checkpoint v" + c.version() + " has no item '" + id + "' of " + data.name()
            + ": it was not trained on this data set's replay");
      }
      item[i] = row;
    }
    List<Interaction> train = data.train().stream()
        .map(x -> new Interaction(user[x.user()], item[x.item()], x.time())).toList();
    return new Dataset(data.name(), c.users().size() - 1, c.items().size() - 1, train,
        heldOut(data.dev(), user, item), heldOut(data.test(), user, item), data.catalog());
  }

  private static List<HeldOut> heldOut(List<HeldOut> rows, int[] user, int[] item) {
    return rows.stream().map(r -> {
      var negs = new int[r.negatives().length];
      for (int k = 0; k < negs.length; k++) {
        negs[k] = item[r.negatives()[k]];
      }
      return new HeldOut(user[r.user()], item[r.item()], r.time(), negs);
    }).toList();
  }

  private static Map<String, Integer> rows(List<String> ids) {
    var m = new HashMap<String, Integer>();
    for (int i = 1; i < ids.size(); i++) {
      m.put(ids.get(i), i);
    }
    return m;
  }
}

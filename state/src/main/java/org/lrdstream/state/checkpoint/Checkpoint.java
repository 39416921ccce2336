package org.lrdstream.state.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model checkpoint: self-describing metadata (the model's configuration, its relation names, the
 * vocabulary mapping external ids to rows, the input offsets it covers, metrics at the time) and
 * every tensor (parameters, optimizer moments, and the fixed item inputs such as text vectors) by
 * name.
 *
 * @param version monotonically increasing model version (training step or run counter)
 * @param createdAt epoch milliseconds
 * @param config the model configuration as JSON
 * @param relations relation names in embedding-row order
 * @param users external user id of each user row (row 0 is padding, "")
 * @param items external item id of each item row (row 0 is padding, "")
 * @param offsets input offsets covered ("topic-partition" → next offset), empty offline
 * @param metrics metrics at publication ("dev.NDCG@5" → value, ...)
 * @param extra any further metadata (optimizer step, data set name, encoder id, ...)
 */
public record Checkpoint(
    long version,
    long createdAt,
    JsonNode config,
    List<String> relations,
    List<String> users,
    List<String> items,
    Map<String, Long> offsets,
    Map<String, Double> metrics,
    Map<String, Object> extra,
    List<Tensor> tensors) {

  public static final String FORMAT = "lrd-checkpoint";
  public static final int FORMAT_VERSION = 1;

  public Map<String, Tensor> tensorsByName() {
    var m = new LinkedHashMap<String, Tensor>();
    tensors.forEach(t -> m.put(t.name(), t));
    return m;
  }

  public Tensor tensor(String name) {
    for (var t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new CheckpointException("checkpoint v" + version + " has no tensor '" + name + "'");
  }
}

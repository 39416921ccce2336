package org.lrdstream.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.Tensor;

/**
 * Converts between a live {@link LrdModel} (with its optimizer) and a {@link Checkpoint}: the
 * configuration, the relation schema, the item tables (attribute values and text vectors, so that a
 * checkpoint alone is enough to score), every parameter and the Adam moments.
 */
public final class ModelCheckpoint {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PARAM = "param.";
  private static final String ADAM_M = "adam.m.";
  private static final String ADAM_V = "adam.v.";
  private static final String ADAM_AVERAGE = "adam.avg.";

  private ModelCheckpoint() {}

  /** Metadata that travels with the tensors. */
  public record Meta(long version, List<String> users, List<String> items, Map<String, Long> offsets,
      Map<String, Double> metrics, Map<String, Object> extra) {}

  public static Checkpoint toCheckpoint(LrdModel model, Adam adam, Meta meta) {
    var tensors = new ArrayList<Tensor>();
    model.parameters().all().forEach((name, a) ->
        tensors.add(Tensor.of(PARAM + name, a.toFloatArray(), a.getShape().getShape())));
    var it = model.items();
    int na = it.attributeCount();
    tensors.add(Tensor.ofLongs("items.valueIndex", it.valueIndex(), it.numItems() + 1L, na, it.valueSlots()));
    tensors.add(Tensor.of("items.valueWeight", it.valueWeight(), it.numItems() + 1L, na, it.valueSlots()));
    tensors.add(Tensor.of("items.text", it.textVectors(), it.numItems() + 1L, it.textDim()));
    if (adam != null) {
      adam.state().forEach((name, mv) -> {
        tensors.add(Tensor.of(ADAM_M + name, mv[0].toFloatArray(), mv[0].getShape().getShape()));
        tensors.add(Tensor.of(ADAM_V + name, mv[1].toFloatArray(), mv[1].getShape().getShape()));
      });
      adam.averageState().forEach((name, a) ->
          tensors.add(Tensor.of(ADAM_AVERAGE + name, a.toFloatArray(), a.getShape().getShape())));
    }
    var extra = new LinkedHashMap<String, Object>(meta.extra());
    var schema = model.schema();
    extra.put("schema", Map.of("attributes", schema.attributeCount(), "item_relations",
        schema.itemRelationCount(), "latent", schema.latentCount()));
    extra.put("item_tables", Map.of(
        "num_items", it.numItems(),
        "attribute_offsets", Arrays.stream(it.attributeOffsets()).boxed().toList(),
        "attribute_sizes", Arrays.stream(it.attributeSizes()).boxed().toList(),
        "num_entities", it.numEntities(),
        "value_slots", it.valueSlots(),
        "text_dim", it.textDim()));
    extra.put("num_users", model.numUsers());
    extra.put("optimizer_step", adam == null ? 0 : adam.step());
    return new Checkpoint(meta.version(), System.currentTimeMillis(), JSON.valueToTree(model.config()),
        schema.names(), meta.users(), meta.items(), meta.offsets(), meta.metrics(), extra, tensors);
  }

  /** The model of a checkpoint; its optimizer state is restored into {@code adam} when given. */
  @SuppressWarnings("unchecked")
  public static LrdModel fromCheckpoint(Checkpoint c, NDManager manager, Adam adam) {
    ModelConfig config;
    try {
      config = JSON.treeToValue(c.config(), ModelConfig.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("checkpoint v" + c.version() + " has an unreadable model config: " + e.getMessage(), e);
    }
    var s = (Map<String, Object>) c.extra().get("schema");
    int na = ((Number) s.get("attributes")).intValue();
    int ni = ((Number) s.get("item_relations")).intValue();
    int nl = ((Number) s.get("latent")).intValue();
    var names = c.relations();
    var schema = new RelationSchema(List.copyOf(names), na, ni, nl);
    var t = (Map<String, Object>) c.extra().get("item_tables");
    var tables = new ItemTables(
        ((Number) t.get("num_items")).intValue(),
        ((List<Number>) t.get("attribute_offsets")).stream().mapToInt(Number::intValue).toArray(),
        ((List<Number>) t.get("attribute_sizes")).stream().mapToInt(Number::intValue).toArray(),
        ((Number) t.get("num_entities")).intValue(),
        ((Number) t.get("value_slots")).intValue(),
        c.tensor("items.valueIndex").longs(),
        c.tensor("items.valueWeight").floats(),
        ((Number) t.get("text_dim")).intValue(),
        c.tensor("items.text").floats());
    int users = ((Number) c.extra().get("num_users")).intValue();
    var model = new LrdModel(config, schema, tables, users, manager, 0, null);
    var byName = c.tensorsByName();
    for (var name : model.parameters().all().keySet()) {
      var tensor = byName.get(PARAM + name);
      if (tensor == null) {
        model.close();
        throw new IllegalArgumentException("checkpoint v" + c.version() + " lacks parameter " + name);
      }
      model.parameters().load(name, tensor.floats());
    }
    if (adam != null) {
      restoreOptimizer(c, model.parameters(), adam);
    }
    return model;
  }

  /**
   * Restores the Adam moments and step of a checkpoint for the given (live) parameters, and the
   * parameters' moving average when {@code adam} keeps one.
   */
  public static void restoreOptimizer(Checkpoint c, ParameterSet params, Adam adam) {
    var byName = c.tensorsByName();
    var moments = new LinkedHashMap<String, float[][]>();
    for (var name : params.all().keySet()) {
      var m = byName.get(ADAM_M + name);
      var v = byName.get(ADAM_V + name);
      if (m != null && v != null) {
        moments.put(name, new float[][] {m.floats(), v.floats()});
      }
    }
    adam.restore(params, ((Number) c.extra().getOrDefault("optimizer_step", 0)).longValue(), moments);
    if (adam.averaging()) {
      var average = new LinkedHashMap<String, float[]>();
      for (var name : params.all().keySet()) {
        var a = byName.get(ADAM_AVERAGE + name);
        if (a != null) {
          average.put(name, a.floats());
        }
      }
      adam.restoreAverage(params, average);
    }
  }
}

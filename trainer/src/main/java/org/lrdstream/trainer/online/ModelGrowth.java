package org.lrdstream.trainer.online;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.function.IntUnaryOperator;
import org.lrdstream.model.Adam;
import org.lrdstream.model.ItemTables;
import org.lrdstream.model.LrdModel;

/**
 * Grows a model's tables for new users, items and attribute values without losing anything it
 * learnt: a new model with the larger tables is initialised as a fresh one would be, then every
 * old row is copied to its new place — item and user rows keep their index, an attribute value
 * moves by the number of items added before its attribute's block — and so are the Adam moments
 * (new rows start with zero moments) and the step count.
 */
public final class ModelGrowth {
  private ModelGrowth() {}

  /** The grown model and its optimizer; the old model is closed. */
  public record Grown(LrdModel model, Adam adam) {}

  public static Grown grow(LrdModel old, Adam oldAdam, ItemTables tables, int numUsers, NDManager parent, long seed) {
    var oldTables = old.items();
    if (tables.numItems() < oldTables.numItems() || numUsers < old.numUsers()) {
      throw new IllegalArgumentException("tables only grow: " + oldTables.numItems() + " → " + tables.numItems()
          + " items, " + old.numUsers() + " → " + numUsers + " users");
    }
    int d = old.config().dim();
    IntUnaryOperator entityRow = r -> {
      if (r <= oldTables.numItems()) {
        return r;
      }
      for (int a = 0; a < oldTables.attributeCount(); a++) {
        int from = oldTables.attributeOffsets()[a];
        if (r >= from && r < from + oldTables.attributeSizes()[a]) {
          return tables.attributeOffsets()[a] + (r - from);
        }
      }
      throw new IllegalStateException("entity row " + r + " is neither an item nor an attribute value");
    };
    var grown = new LrdModel(old.config(), old.schema(), tables, numUsers, parent, seed, null);
    var adam = Adam.withoutAverage(old.config());
    try {
      var oldMoments = oldAdam.state();
      var moments = new LinkedHashMap<String, float[][]>();
      for (var e : grown.parameters().all().entrySet()) {
        var name = e.getKey();
        var target = e.getValue();
        var before = old.parameters().get(name);
        IntUnaryOperator map = name.equals("entity") ? entityRow : IntUnaryOperator.identity();
        int width = name.equals("entity") || name.equals("user") ? d : 1;
        long size = target.getShape().size();
        boolean rowsGrow = name.equals("entity") || name.equals("user") || name.equals("itemBias");
        if (!rowsGrow && before.getShape().size() != size) {
          throw new IllegalStateException("parameter " + name + " changed shape: " + before.getShape() + " → " + target.getShape());
        }
        grown.parameters().load(name, move(before.toFloatArray(), target.toFloatArray(), width, map));
        var mv = oldMoments.get(name);
        if (mv != null) {
          var zeros = new float[Math.toIntExact(size)];
          moments.put(name, new float[][] {
              move(mv[0].toFloatArray(), zeros.clone(), width, map),
              move(mv[1].toFloatArray(), zeros, width, map)});
        }
      }
      adam.restore(grown.parameters(), oldAdam.step(), moments);
    } catch (RuntimeException e) {
      grown.close();
      throw e;
    }
    old.close();
    return new Grown(grown, adam);
  }

  /** Copies each row ({@code width} values) of {@code from} to row {@code map(r)} of {@code into}. */
  static float[] move(float[] from, float[] into, int width, IntUnaryOperator map) {
    int rows = from.length / width;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(from, r * width, into, map.applyAsInt(r) * width, width);
    }
    return into;
  }
}

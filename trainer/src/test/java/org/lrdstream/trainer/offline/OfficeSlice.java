package org.lrdstream.trainer.offline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.ReChorusReader;

/** The first users of the real Office data set, for fast end-to-end tests. */
public final class OfficeSlice {
  private static Dataset office;

  private OfficeSlice() {}

  public static synchronized Dataset office() {
    if (office == null) {
      for (var base : new Path[] {Path.of("../../shared/data/office"), Path.of("../shared/data/office")}) {
        if (Files.isDirectory(base)) {
          office = ReChorusReader.read(base);
          break;
        }
      }
      if (office == null) {
        throw new IllegalStateException("../shared/data/office not found beside the checkout");
      }
    }
    return office;
  }

  public static Dataset users(int count) {
    var d = office();
    return new Dataset(d.name() + "-first" + count, count, d.numItems(),
        d.train().stream().filter(x -> x.user() <= count).toList(),
        d.dev().stream().filter(x -> x.user() <= count).toList(),
        d.test().stream().filter(x -> x.user() <= count).toList(),
        d.catalog());
  }

  /** Random unit text vectors: a stand-in for the text encoder in tests of the training loop. */
  public static float[][] randomText(int items, int dim, long seed) {
    var rng = new SplittableRandom(seed);
    var out = new float[items + 1][dim];
    for (int i = 1; i <= items; i++) {
      double norm = 0;
      for (int k = 0; k < dim; k++) {
        out[i][k] = (float) rng.nextDouble(-1, 1);
        norm += out[i][k] * out[i][k];
      }
      for (int k = 0; k < dim; k++) {
        out[i][k] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }
}

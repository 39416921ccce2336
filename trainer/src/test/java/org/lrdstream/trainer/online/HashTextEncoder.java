package org.lrdstream.trainer.online;

import java.util.List;
import java.util.SplittableRandom;
import org.lrdstream.encoder.TextEncoder;

/** A deterministic stand-in for the text encoder: a unit vector seeded by the text's hash. */
final class HashTextEncoder implements TextEncoder {
  static final int DIM = 8;
  int encoded;

  @Override
  public String id() {
    return "test-hash-" + DIM;
  }

  @Override
  public int dimension() {
    return DIM;
  }

  @Override
  public float[][] encode(List<String> texts) {
    var out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(texts.get(i));
    }
    encoded += texts.size();
    return out;
  }

  static float[] vector(String text) {
    var rng = new SplittableRandom(text.hashCode());
    var v = new float[DIM];
    double norm = 0;
    for (int k = 0; k < DIM; k++) {
      v[k] = (float) rng.nextDouble(-1, 1);
      norm += v[k] * v[k];
    }
    for (int k = 0; k < DIM; k++) {
      v[k] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  @Override
  public void close() {}
}

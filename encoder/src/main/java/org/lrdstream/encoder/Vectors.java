package org.lrdstream.encoder;

/** Small vector helpers shared by the encoders. */
final class Vectors {
  private Vectors() {}

  /** Scales {@code v} in place to unit length; a zero vector stays zero. */
  static float[] normaliseInPlace(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    if (sq > 0) {
      float inv = (float) (1.0 / Math.sqrt(sq));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  /** The cosine of two vectors (their dot product when both have unit length). */
  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}

package org.lrdstream.trainer.analysis;

/**
 * The pair-wise cosine similarity of relation embeddings (the paper's Figure 3): do the latent
 * relations LRD discovered differ from the predefined ones and from each other?
 */
public final class RelationSimilarity {
  private RelationSimilarity() {}

  /**
   * @param embeddings row-major {@code rows × dim} relation embeddings
   * @return the {@code rows × rows} cosine similarities; a zero row is similar to nothing (0)
   */
  public static double[][] cosine(float[] embeddings, int rows, int dim) {
    if (embeddings.length != (long) rows * dim) {
      throw new IllegalArgumentException(embeddings.length + " values are not " + rows + " × " + dim);
    }
    var norms = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int k = 0; k < dim; k++) {
        double v = embeddings[i * dim + k];
        s += v * v;
      }
      norms[i] = Math.sqrt(s);
    }
    var out = new double[rows][rows];
    for (int i = 0; i < rows; i++) {
      for (int j = i; j < rows; j++) {
        double dot = 0;
        for (int k = 0; k < dim; k++) {
          dot += (double) embeddings[i * dim + k] * embeddings[j * dim + k];
        }
        double c = norms[i] == 0 || norms[j] == 0 ? 0 : dot / (norms[i] * norms[j]);
        out[i][j] = c;
        out[j][i] = c;
      }
    }
    return out;
  }

  /**
   * The mean similarity within and across two groups of rows (e.g. predefined and latent), the
   * diagonal left out: a one-line answer to "do the latent relations differ from the predefined?".
   *
   * @return {mean within group a, mean within group b, mean across}; NaN where a group has no pair
   */
  public static double[] groupMeans(double[][] sim, int[] groupA, int[] groupB) {
    return new double[] {meanWithin(sim, groupA), meanWithin(sim, groupB), meanAcross(sim, groupA, groupB)};
  }

  private static double meanWithin(double[][] sim, int[] g) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < g.length; i++) {
      for (int j = i + 1; j < g.length; j++) {
        s += sim[g[i]][g[j]];
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  private static double meanAcross(double[][] sim, int[] a, int[] b) {
    double s = 0;
    int n = 0;
    for (int i : a) {
      for (int j : b) {
        s += sim[i][j];
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }
}

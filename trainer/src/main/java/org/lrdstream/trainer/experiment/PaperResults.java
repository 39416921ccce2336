package org.lrdstream.trainer.experiment;

import java.util.Map;

/** The paper's Table 3 (HR@5, HR@10, NDCG@5, NDCG@10), to print beside this project's numbers. */
final class PaperResults {
  private PaperResults() {}

  /** data set → model → {HR@5, HR@10, NDCG@5, NDCG@10}. */
  static final Map<String, Map<String, double[]>> TABLE3 = Map.of(
      "office", Map.of(
          "caser", new double[] {0.3095, 0.4762, 0.1993, 0.2530},
          "gru4rec", new double[] {0.3295, 0.4856, 0.2164, 0.2670},
          "sasrec", new double[] {0.4027, 0.5439, 0.2751, 0.3210},
          "tisasrec", new double[] {0.4014, 0.5433, 0.2745, 0.3209},
          "rcf", new double[] {0.4145, 0.5696, 0.2911, 0.3413},
          "rcf+lrd", new double[] {0.4381, 0.5761, 0.3127, 0.3573},
          "kda", new double[] {0.4453, 0.6145, 0.3127, 0.3676},
          "kda+lrd", new double[] {0.4826, 0.6302, 0.3403, 0.3881}),
      "ml-100k", Map.of(
          "caser", new double[] {0.5217, 0.6872, 0.3571, 0.4107},
          "gru4rec", new double[] {0.5101, 0.6723, 0.3451, 0.3976},
          "sasrec", new double[] {0.5186, 0.6829, 0.3712, 0.4242},
          "tisasrec", new double[] {0.5313, 0.6882, 0.3812, 0.4322},
          "rcf", new double[] {0.5101, 0.6660, 0.3635, 0.4137},
          "rcf+lrd", new double[] {0.5398, 0.6882, 0.3886, 0.4365},
          "kda", new double[] {0.5748, 0.7381, 0.4182, 0.4711},
          "kda+lrd", new double[] {0.6066, 0.7434, 0.4420, 0.4867}));

  /** The paper's row for a data set directory name, or null. */
  static double[] lookup(String dataset, String model) {
    var key = dataset.toLowerCase(java.util.Locale.ROOT);
    Map<String, double[]> table = key.contains("office") ? TABLE3.get("office")
        : key.contains("ml-100k") || key.contains("movielens") ? TABLE3.get("ml-100k") : null;
    return table == null ? null : table.get(model);
  }
}

package org.lrdstream.trainer.experiment;

import org.apache.commons.math3.stat.inference.TTest;

/** Mean, standard deviation and the paired t-test of the results table. */
final class Stats {
  private Stats() {}

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return x.length == 0 ? Double.NaN : s / x.length;
  }

  /** Sample standard deviation (n − 1); 0 for a single value. */
  static double std(double[] x) {
    if (x.length < 2) {
      return 0;
    }
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return Math.sqrt(s / (x.length - 1));
  }

  /** Two-sided paired t-test p-value, NaN when it is undefined (fewer than 2 pairs, no variance). */
  static double pairedP(double[] a, double[] b) {
    if (a.length < 2 || a.length != b.length) {
      return Double.NaN;
    }
    boolean constant = true;
    for (int i = 1; i < a.length; i++) {
      if (a[i] - b[i] != a[0] - b[0]) {
        constant = false;
      }
    }
    if (constant) {
      return Double.NaN;
    }
    return new TTest().pairedTTest(a, b);
  }
}

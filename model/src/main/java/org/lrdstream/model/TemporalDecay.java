package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * KDA's temporal evolution of each relation (MODEL.md step 3): a decay function of the interval
 * {@code x} defined by learned frequency-domain coefficients,
 * {@code decay_r(x) = ½·mean_f [Re_rf·cos(2πfx) − Im_rf·sin(2πfx)]} over {@code f ∈ linspace(0, ½,
 * F)} and their negatives. The coefficients of a frequency and its negative are conjugate, so both
 * halves contribute the same term and the mean over the 2F frequencies is the mean over F.
 */
public final class TemporalDecay {
  private TemporalDecay() {}

  /** The F non-negative frequencies {@code linspace(0, ½, F)}. */
  public static float[] frequencies(int count) {
    var f = new float[count];
    for (int k = 0; k < count; k++) {
      f[k] = count == 1 ? 0f : 0.5f * k / (count - 1);
    }
    return f;
  }

  /**
   * @param intervals B×n interval features x
   * @param real R×F real parts
   * @param imag R×F imaginary parts
   * @return B×R×n decay factors clamped to [0, 1]
   */
  public static NDArray decay(NDArray intervals, NDArray real, NDArray imag) {
    int f = (int) real.getShape().get(1);
    NDManager m = intervals.getManager();
    var freq = frequencies(f);
    var angle = intervals.expandDims(2).mul(m.create(freq).mul((float) (2 * Math.PI))); // B,n,F
    var cos = angle.cos();
    var sin = angle.sin();
    var d = Scalars.times(cos.matMul(real.transpose()).sub(sin.matMul(imag.transpose())), 0.5f / f); // B,n,R
    return d.clip(0f, 1f).transpose(0, 2, 1);
  }

  /**
   * The KDA paper's initialisation: the DFT of the normalised histogram of observed intervals of
   * a relation over integer bins of x (2(F−1) bins, numpy's rfft convention), so that the initial
   * decay follows how often related items recur at each interval.
   *
   * @param histogram counts per integer bin of x, length ≥ 1
   * @return {real[F], imag[F]}
   */
  public static float[][] dftOf(double[] histogram, int f) {
    int bins = 2 * (f - 1);
    double total = 0;
    for (double h : histogram) {
      total += h;
    }
    var re = new float[f];
    var im = new float[f];
    for (int k = 0; k < f; k++) {
      double sr = 0;
      double si = 0;
      for (int x = 0; x < Math.min(bins, histogram.length); x++) {
        double p = total > 0 ? histogram[x] / total : 0;
        sr += p * Math.cos(2 * Math.PI * k * x / bins);
        si -= p * Math.sin(2 * Math.PI * k * x / bins);
      }
      re[k] = (float) sr;
      im[k] = (float) si;
    }
    return new float[][] {re, im};
  }
}

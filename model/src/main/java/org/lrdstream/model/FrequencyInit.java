package org.lrdstream.model;

/**
 * How KDA's per-relation frequency-domain decay parameters start.
 */
public enum FrequencyInit {
  /** From the DFT of the observed intervals between related items (the KDA paper's option). */
  DFT,
  /**
   * Every real and imaginary coefficient drawn from N(0, 1): the reference code's {@code
   * --freq_rand 1} (PyTorch's {@code nn.Embedding} default), which its published commands use. The
   * decay then starts as a random function of the interval with a standard deviation of about
   * 0.09, clamped at 0.
   */
  RANDOM
}

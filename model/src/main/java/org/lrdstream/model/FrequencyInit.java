package org.lrdstream.model;

/**
 * How KDA's per-relation frequency-domain decay parameters start: from the DFT of the observed
 * intervals between related items (the KDA paper's option), or at random.
 */
public enum FrequencyInit {
  DFT,
  RANDOM
}

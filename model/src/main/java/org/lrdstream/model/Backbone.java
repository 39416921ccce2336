package org.lrdstream.model;

/**
 * The sequential models of the runner: the relation-aware backbones of the paper, RCF and KDA (RCF
 * plus temporal decay), which LRD extends; and the four baselines of the paper's Table 3, which
 * ignore item relations ({@link SequentialBaselines}).
 */
public enum Backbone {
  RCF,
  KDA,
  /** Caser (Tang and Wang, WSDM 2018): horizontal and vertical convolutions over the last L items. */
  CASER,
  /** GRU4Rec (Hidasi et al., ICLR 2016): a GRU over the history; its last state scores items. */
  GRU4REC,
  /** SASRec (Kang and McAuley, ICDM 2018): causal self-attention with learned positions. */
  SASREC,
  /** TiSASRec (Li, Wang and McAuley, WSDM 2020): SASRec with relative time-interval embeddings. */
  TISASREC;

  /** RCF and KDA: relation intensities, the relation self-attention, KGE and LRD apply. */
  public boolean relationAware() {
    return this == RCF || this == KDA;
  }
}

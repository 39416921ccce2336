package org.lrdstream.model;

/**
 * The form of the self-attention across relations (MODEL.md step 5).
 *
 * <p>{@link #STACKED}: L layers with their own weights, each as ReChorus's {@code TransformerLayer}
 * — attention (projections with biases), dropout, residual and LayerNorm, then the feed-forward,
 * dropout, residual and LayerNorm. This project's first form; checkpoints written before the
 * option existed are read as this.
 *
 * <p>{@link #SHARED}: the reference code's KDA and RCF (the form behind the paper's numbers) — one
 * block applied L times with the same weights: {@code LN(x + drop(W2·relu(W1·MHA(x))))}, MHA's
 * projections without biases and no residual around the attention alone.
 */
public enum AttentionBlock {
  STACKED,
  SHARED
}

package org.lrdstream.model;

/**
 * How LRD's item reconstruction uses the relation distribution q of a pair (v_i, j).
 *
 * <p>{@link #MIXTURE} (MODEL.md, the default): one weighted relation {@code w_i = Σ_r q_ir Rel_r}
 * and {@code −log mean_i σ(φ(v_i, w_i, j) − φ(v_i⁻, w_i, j))}. DistMult is linear in the relation,
 * so this is {@code Σ_r q_ir φ_r} inside the sigmoid: every relation's embedding gets the same
 * gradient direction, scaled by q_ir, and nothing pushes two relations apart.
 *
 * <p>{@link #EXPECTED} (the paper's eq. 8, literally): the expectation under q of each relation's
 * own log-likelihood, {@code −Σ_r q_ir [log σ(φ_r(v_i, j)) + log σ(−φ_r(v_i⁻, j))]}, averaged over
 * the valid pairs. A relation is rewarded for the pairs it reconstructs well and q learns to route
 * each pair to such a relation — the EM-like dynamics that let relations specialise.
 */
public enum LrdObjective {
  MIXTURE,
  EXPECTED,
  /**
   * The reference code's form (its {@code lrd_forward}): q is a softmax over all R relations,
   * {@code sequence} included, and each relation r (but {@code sequence} with leave-one-latent:
   * q's mass there means "no relation") reconstructs the pair on its own with {@code w_ir = q_ir
   * Rel_r} and the linear terms of its {@code get_triple_score}, {@code s_ir = φ(h, w_ir, t) + Σ h ⊙
   * w_ir + Σ t ⊙ w_ir}; the loss averages {@code −log mean_i σ(s_ir − s⁻_ir)} over the relations
   * (and the examples). A relation q gives no weight scores σ(0) = ½: with q peaked, all but one
   * relation contribute a constant log 2, so LRD weighs about λ/(R−1) on the entity embeddings.
   */
  REFERENCE
}

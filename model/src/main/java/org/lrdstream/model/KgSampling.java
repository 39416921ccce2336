package org.lrdstream.model;

/**
 * How the KGE loss draws its triplets (MODEL.md, eq. 15), and what γ = auto counts.
 *
 * <p>{@link #ROWS}: the reference code's form, the one behind the paper's numbers. The knowledge
 * graph is a list of rows: one per item-item pair of the catalog lists, and one per (item,
 * attribute, value) — 60,706 rows on Office, 93 % of them item-item. A step draws rows uniformly;
 * an attribute row (h, share-a, v) becomes the triplet (h, share-a, t) with t drawn among the items
 * with value v. γ = auto is #rows / #interactions of train, dev and test together (1.14 on Office).
 *
 * <p>{@link #PAIRS}: this project's first form: attribute triplets counted as every ordered pair
 * of distinct items sharing a value, so share-attribute pairs dominate (487,172 of 542,588 on
 * Office) and γ = auto is #triplets / #training interactions (12.5 on Office). Checkpoints written
 * before the option existed are read as this.
 */
public enum KgSampling {
  ROWS,
  PAIRS
}

package org.lrdstream.model;

/** What LRD's relation classifier reads: the language model's text vectors, or ID embeddings (the "w/o LLM" ablation). */
public enum LrdInput {
  TEXT,
  ID
}

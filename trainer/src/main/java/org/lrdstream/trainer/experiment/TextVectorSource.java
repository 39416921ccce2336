package org.lrdstream.trainer.experiment;

import org.lrdstream.data.Catalog;

/** Where the item text vectors come from (the paper's LLM); the CLI wires a cached text encoder. */
public interface TextVectorSource {
  /** Stable id of the encoder (recorded in results and checkpoints). */
  String id();

  /** One vector per item row (row 0 may be null or zeros). */
  float[][] vectors(Catalog catalog);
}

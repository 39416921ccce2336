package org.lrdstream.encoder;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a text encoder from a one-word spec, as given on the command line ({@code --encoder}):
 *
 * <ul>
 *   <li>{@code minilm} (the default, also {@code minilm-l6-v2-q}) — all-MiniLM-L6-v2, quantized,
 *       embedded: runs offline from the classpath;
 *   <li>{@code bge-small} (also {@code bge-small-en-v15-q}) — BAAI bge-small-en-v1.5, quantized,
 *       embedded;
 *   <li>{@code openai} or {@code openai:<model>} — OpenAI's embeddings API (default model {@value
 *       OpenAiCompatibleEncoder#DEFAULT_MODEL}, the paper's), key from {@value
 *       OpenAiCompatibleEncoder#API_KEY_ENV};
 *   <li>{@code openai:<model>@<base-url>} — any server with the same API, e.g. {@code
 *       openai:nomic-embed-text@http://localhost:11434}.
 * </ul>
 *
 * With a cache directory the encoder is wrapped in a {@link CachedTextEncoder}.
 */
public final class TextEncoders {
  /** The spec used when none is given. */
  public static final String DEFAULT_SPEC = "minilm";

  private static final String OPENAI_PREFIX = "openai";

  private TextEncoders() {}

  /** Opens {@code spec} with default options; {@code cacheDir} may be null for no cache. */
  public static TextEncoder open(String spec, Path cacheDir) {
    return open(spec, cacheDir, EncoderOptions.defaults());
  }

  /**
   * Opens {@code spec}; {@code cacheDir} may be null for no cache.
   *
   * @throws EncoderException with one message naming what failed (unknown spec, missing model
   *     resource, native library, cache file)
   */
  public static TextEncoder open(String spec, Path cacheDir, EncoderOptions options) {
    TextEncoder encoder = openUncached(spec, options);
    if (cacheDir == null) {
      return encoder;
    }
    try {
      return CachedTextEncoder.open(encoder, cacheDir, options.progressOut());
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  static TextEncoder openUncached(String spec, EncoderOptions options) {
    String s = spec == null || spec.isBlank() ? DEFAULT_SPEC : spec.strip();
    String lower = s.toLowerCase(Locale.ROOT);
    EmbeddedModel embedded = embeddedModel(lower);
    if (embedded != null) {
      return OnnxSentenceEncoder.open(
          embedded,
          orDefault(options.batchSize(), OnnxSentenceEncoder.DEFAULT_BATCH_SIZE),
          orDefault(options.intraOpThreads(), OnnxSentenceEncoder.DEFAULT_INTRA_OP_THREADS));
    }
    if (lower.equals(OPENAI_PREFIX) || lower.startsWith(OPENAI_PREFIX + ":")) {
      return openAi(s.substring(OPENAI_PREFIX.length()), options);
    }
    throw new EncoderException(
        "unknown text encoder '" + s + "': use minilm (embedded, the default), bge-small"
            + " (embedded), openai:<model> or openai:<model>@<base-url>");
  }

  private static EmbeddedModel embeddedModel(String spec) {
    return switch (spec) {
      case "minilm", "minilm-l6-v2-q" -> EmbeddedModel.MINILM_L6_V2_Q;
      case "bge-small", "bge-small-en-v15-q" -> EmbeddedModel.BGE_SMALL_EN_V15_Q;
      default -> null;
    };
  }

  private static TextEncoder openAi(String rest, EncoderOptions options) {
    var builder = OpenAiCompatibleEncoder.builder();
    String modelAndUrl = rest.startsWith(":") ? rest.substring(1) : rest;
    int at = modelAndUrl.indexOf('@');
    String model = at < 0 ? modelAndUrl : modelAndUrl.substring(0, at);
    if (!model.isBlank()) {
      builder.model(model.strip());
    }
    if (at >= 0) {
      String url = modelAndUrl.substring(at + 1).strip();
      if (url.isEmpty()) {
        throw new EncoderException("text encoder spec 'openai:" + modelAndUrl + "' has no URL after @");
      }
      builder.baseUrl(url);
    }
    if (options.batchSize() > 0) {
      builder.batchSize(options.batchSize());
    }
    return builder.build();
  }

  private static int orDefault(int value, int fallback) {
    return value > 0 ? value : fallback;
  }
}

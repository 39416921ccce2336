package org.lrdstream.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Text vectors from an OpenAI-compatible embeddings service: {@code POST {base}/v1/embeddings} with
 * {@code {"model": ..., "input": [...]}}. The default is OpenAI's {@code text-embedding-ada-002}, the
 * encoder of the paper; any local server with the same API (vLLM, llama.cpp, Ollama, LocalAI, TEI)
 * works by giving its base URL.
 *
 * <p>Texts go in batches; a 429 or a 5xx reply and a broken connection are retried with exponential
 * backoff (honouring {@code Retry-After}); any other error status fails at once with the status and
 * the start of the reply body. Returned vectors are re-normalised to unit length (OpenAI's already
 * are; local servers' may not be). Thread-safe.
 */
public final class OpenAiCompatibleEncoder implements TextEncoder {
  public static final String DEFAULT_BASE_URL = OpenAiHttp.DEFAULT_BASE_URL;
  public static final String DEFAULT_MODEL = "text-embedding-ada-002";
  public static final String API_KEY_ENV = OpenAiHttp.API_KEY_ENV;
  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);

  /** Dimensions of OpenAI's models, so that {@link #dimension()} needs no request for them. */
  private static final Map<String, Integer> KNOWN_DIMENSIONS =
      Map.of(
          "text-embedding-ada-002", 1536,
          "text-embedding-3-small", 1536,
          "text-embedding-3-large", 3072);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenAiHttp http;
  private final URI endpoint;
  private final String model;
  private final int batchSize;
  private volatile int dimension;

  private OpenAiCompatibleEncoder(Builder b) {
    this.http = new OpenAiHttp("embeddings", b.baseUrl, "/v1/embeddings", b.apiKey, b.maxRetries,
        b.initialBackoff, b.requestTimeout, b.connectTimeout);
    this.endpoint = http.endpoint();
    this.model = b.model;
    this.batchSize = b.batchSize;
    this.dimension = b.dimension > 0 ? b.dimension : KNOWN_DIMENSIONS.getOrDefault(model, 0);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code "openai:<model>"} for OpenAI itself, {@code "openai:<model>@<base-url>"} for any other
   * server: the same model name on two servers need not give the same vectors.
   */
  @Override
  public String id() {
    return "openai:" + model + (http.isOpenAi() ? "" : "@" + http.baseUrl());
  }

  /**
   * The vector length: known in advance for OpenAI's models or when given to the builder, otherwise
   * learnt from the service by encoding one short text (then remembered).
   */
  @Override
  public int dimension() {
    if (dimension == 0) {
      encode(List.of("dimension probe"));
    }
    return dimension;
  }

  @Override
  public int preferredBatchSize() {
    return batchSize;
  }

  public URI endpoint() {
    return endpoint;
  }

  @Override
  public float[][] encode(List<String> texts) {
    return encode(texts, n -> {});
  }

  @Override
  public float[][] encode(List<String> texts, LongConsumer progress) {
    float[][] out = new float[texts.size()][];
    for (int start = 0; start < texts.size(); start += batchSize) {
      List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
      float[][] vectors = parse(http.post(requestBody(batch)), batch.size());
      System.arraycopy(vectors, 0, out, start, vectors.length);
      progress.accept(batch.size());
    }
    return out;
  }

  private String requestBody(List<String> batch) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode input = body.putArray("input");
    for (int i = 0; i < batch.size(); i++) {
      input.add(Objects.requireNonNull(batch.get(i), () -> "a text is null"));
    }
    return body.toString();
  }

  private float[][] parse(String body, int expected) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new EncoderException(
          "the embeddings service at " + endpoint + " did not return JSON: " + excerpt(body), e);
    }
    JsonNode data = root == null ? null : root.get("data");
    if (data == null || !data.isArray()) {
      throw new EncoderException(
          "the reply of " + endpoint + " has no \"data\" array: " + excerpt(body));
    }
    if (data.size() != expected) {
      throw new EncoderException(
          "the reply of " + endpoint + " has " + data.size() + " vectors for " + expected
              + " texts");
    }
    float[][] out = new float[expected][];
    for (int pos = 0; pos < data.size(); pos++) {
      JsonNode item = data.get(pos);
      // the service may answer out of order: "index" says which input a vector belongs to
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= expected || out[index] != null) {
        throw new EncoderException(
            "the reply of " + endpoint + " has a missing, repeated or out-of-range index "
                + item.path("index") + " (" + expected + " texts)");
      }
      JsonNode embedding = item.get("embedding");
      if (embedding == null || !embedding.isArray() || embedding.isEmpty()) {
        throw new EncoderException(
            "the reply of " + endpoint + " has no numeric \"embedding\" at index " + index);
      }
      float[] v = new float[embedding.size()];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) embedding.get(d).asDouble();
      }
      out[index] = Vectors.normaliseInPlace(v);
    }
    int dim = out[0].length;
    for (float[] v : out) {
      if (v.length != dim || (dimension != 0 && v.length != dimension)) {
        throw new EncoderException(
            "the reply of " + endpoint + " mixes vector lengths: " + v.length + " and "
                + (dimension != 0 ? dimension : dim));
      }
    }
    dimension = dim;
    return out;
  }

  static String excerpt(String body) {
    return OpenAiHttp.excerpt(body);
  }

  @Override
  public void close() {
    // HttpClient has no close() before Java 21; its threads end when it is unreachable
  }

  /** Settings of an {@link OpenAiCompatibleEncoder}; every one has a default. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private String model = DEFAULT_MODEL;
    private String apiKey;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private int dimension;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration connectTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Where the service is, without {@code /v1/embeddings}; default {@value #DEFAULT_BASE_URL}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl);
      return this;
    }

    public Builder model(String model) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("the model name is empty");
      }
      this.model = model;
      return this;
    }

    /** The bearer token; default: the environment variable {@value #API_KEY_ENV}, if set. */
    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Retries after the first attempt for 429, 5xx and connection failures. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("retries must not be negative, got " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /** The first wait before a retry; it doubles on each further retry, up to a minute. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff);
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout);
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout);
      return this;
    }

    /** The vector length, when known; otherwise it is learnt from the first reply. */
    public Builder dimension(int dimension) {
      this.dimension = dimension;
      return this;
    }

    public OpenAiCompatibleEncoder build() {
      return new OpenAiCompatibleEncoder(this);
    }
  }
}

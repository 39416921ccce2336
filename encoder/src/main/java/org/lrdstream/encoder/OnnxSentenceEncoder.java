package org.lrdstream.encoder;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * A pretrained sentence encoder run in process: the ONNX graph and {@code tokenizer.json} are read
 * from the classpath, the graph runs on DJL's OnnxRuntime engine and the text is tokenized by DJL's
 * HuggingFace tokenizer. Vectors are pooled from the token states as the model prescribes (the mean
 * under the attention mask for MiniLM, as sentence-transformers compute it; [CLS] for BGE) and
 * scaled to unit length. Nothing is downloaded.
 *
 * <p>The engine is named explicitly ({@value #ENGINE}): the application also has PyTorch on its
 * classpath, and PyTorch is DJL's default engine. Token states are pooled in plain Java so that no
 * NDArray operation ever falls through to an alternative engine.
 *
 * <p>Thread-safe: calls to {@link #encode} are serialised (one ONNX session, its own intra-op pool);
 * inside one call, {@link #workers()} batches are encoded at once, each on its own predictor.
 */
public final class OnnxSentenceEncoder implements TextEncoder {
  /** The DJL engine the graph runs on. */
  public static final String ENGINE = "OnnxRuntime";
  /** Measured fastest on 2 cores together with {@link #DEFAULT_INTRA_OP_THREADS} (BENCHMARKS.md). */
  public static final int DEFAULT_BATCH_SIZE = 32;
  /** One ONNX intra-op thread: on 2 shared cores more threads were slower (PLATFORM-NOTES). */
  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  /**
   * Batches run at once, each on its own predictor of the one ONNX session (whose runs are
   * thread-safe) with one intra-op thread: one per core, at most 2 (BENCHMARKS.md "Text encoder").
   */
  public static final int DEFAULT_WORKERS = Math.min(2, Runtime.getRuntime().availableProcessors());
  /** Batches per length-sorted window (see {@link #preferredBatchSize()}). */
  static final int SORT_WINDOW_BATCHES = 8;

  private final EmbeddedModel spec;
  private final int batchSize;
  private final HuggingFaceTokenizer tokenizer;
  private final Model model;
  /** The free predictors of the session, one per worker. */
  private final java.util.concurrent.BlockingQueue<Predictor<Encoding[], float[][]>> spare;
  private final List<Predictor<Encoding[], float[][]>> all;
  private final java.util.concurrent.ExecutorService pool;
  private boolean closed;

  private OnnxSentenceEncoder(
      EmbeddedModel spec,
      int batchSize,
      HuggingFaceTokenizer tokenizer,
      Model model,
      List<Predictor<Encoding[], float[][]>> predictors) {
    this.spec = spec;
    this.batchSize = batchSize;
    this.tokenizer = tokenizer;
    this.model = model;
    this.all = List.copyOf(predictors);
    this.spare = new java.util.concurrent.LinkedBlockingQueue<>(predictors);
    this.pool = predictors.size() == 1 ? null
        : java.util.concurrent.Executors.newFixedThreadPool(predictors.size(), r -> {
          var t = new Thread(r, "lrd-encoder");
          t.setDaemon(true);
          return t;
        });
  }

  /** Opens {@code model} with the default batch size and thread count. */
  public static OnnxSentenceEncoder open(EmbeddedModel model) {
    return open(model, DEFAULT_BATCH_SIZE, DEFAULT_INTRA_OP_THREADS);
  }

  /**
   * Opens {@code spec} from the classpath.
   *
   * @param batchSize texts per ONNX run; the tokens are padded to the longest text of the batch
   * @param intraOpThreads threads ONNX Runtime uses inside one run
   * @throws EncoderException naming what failed: a missing resource, the engine or its native
   *     library, the tokenizer, or the graph
   */
  public static OnnxSentenceEncoder open(EmbeddedModel spec, int batchSize, int intraOpThreads) {
    return open(spec, batchSize, intraOpThreads, DEFAULT_WORKERS);
  }

  /**
   * As {@link #open(EmbeddedModel, int, int)}, with {@code workers} batches encoded at once (each on
   * its own predictor of the same session; the vectors do not depend on it).
   */
  public static OnnxSentenceEncoder open(EmbeddedModel spec, int batchSize, int intraOpThreads, int workers) {
    return open(spec, batchSize, intraOpThreads, workers, OnnxSentenceEncoder.class.getClassLoader());
  }

  /** As {@link #open(EmbeddedModel, int, int, int)}, reading the resources through {@code loader}. */
  static OnnxSentenceEncoder open(
      EmbeddedModel spec, int batchSize, int intraOpThreads, ClassLoader loader) {
    return open(spec, batchSize, intraOpThreads, DEFAULT_WORKERS, loader);
  }

  static OnnxSentenceEncoder open(
      EmbeddedModel spec, int batchSize, int intraOpThreads, int workers, ClassLoader loader) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intra-op threads must be at least 1, got " + intraOpThreads);
    }
    String what = "cannot load text encoder " + spec.id() + ": ";
    for (String resource : List.of(spec.onnxResource(), spec.tokenizerResource())) {
      if (loader.getResource(resource) == null) {
        throw new EncoderException(
            what + "resource " + resource + " is missing from the classpath (it ships in "
                + spec.artifact() + ")");
      }
    }
    try {
      Engine.getEngine(ENGINE);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // AssertionError: DJL's OrtEngine wraps an OrtException from the native environment in one
      throw new EncoderException(
          what + "the " + ENGINE + " engine did not start (ai.djl.onnxruntime:onnxruntime-engine"
              + " and the onnxruntime native library): " + e,
          e);
    }
    HuggingFaceTokenizer tokenizer = loadTokenizer(spec, loader, what);
    Model model = null;
    try {
      model = Model.newInstance(spec.id(), Device.cpu(), ENGINE);
      try (InputStream in = loader.getResourceAsStream(spec.onnxResource())) {
        model.load(
            Objects.requireNonNull(in, spec.onnxResource()),
            Map.of(
                "intraOpNumThreads", Integer.toString(intraOpThreads),
                "interOpNumThreads", "1"));
      }
      var predictors = new java.util.ArrayList<Predictor<Encoding[], float[][]>>();
      for (int w = 0; w < workers; w++) {
        predictors.add(model.newPredictor(new PoolingTranslator(spec.dimension(), spec.pooling())));
      }
      return new OnnxSentenceEncoder(spec, batchSize, tokenizer, model, predictors);
    } catch (Exception | LinkageError e) {
      tokenizer.close();
      if (model != null) {
        model.close();
      }
      throw new EncoderException(
          what + "the ONNX graph " + spec.onnxResource() + " did not load: " + e, e);
    }
  }

  private static HuggingFaceTokenizer loadTokenizer(
      EmbeddedModel spec, ClassLoader loader, String what) {
    // the builder wants a path: copy the resource out, and delete it again once it is parsed
    Path dir = null;
    try {
      dir = Files.createTempDirectory("lrd-tokenizer-");
      Path file = dir.resolve("tokenizer.json");
      try (InputStream in = loader.getResourceAsStream(spec.tokenizerResource())) {
        Files.copy(Objects.requireNonNull(in, spec.tokenizerResource()), file,
            StandardCopyOption.REPLACE_EXISTING);
      }
      // no padding here (the file itself says "pad to 128"): the translator pads each batch to
      // its longest text, after the texts are sorted by length
      return HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(true)
          .optTruncation(true)
          .optMaxLength(spec.maxTokens())
          .optPadding(false)
          .build();
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new EncoderException(
          what + "the tokenizer " + spec.tokenizerResource() + " did not load"
              + " (ai.djl.huggingface:tokenizers and its native library): " + e,
          e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir.resolve("tokenizer.json"));
        deleteQuietly(dir);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover temp file is harmless; the JVM's temp dir is cleaned by the system
      p.toFile().deleteOnExit();
    }
  }

  @Override
  public String id() {
    return spec.id();
  }

  @Override
  public int dimension() {
    return spec.dimension();
  }

  /** Texts per ONNX run. */
  public int batchSize() {
    return batchSize;
  }

  /**
   * A window of this many batches is tokenized at once and sorted by length before batching, so a
   * batch pads its texts to a similar length (item titles range from a few tokens to over 100).
   */
  @Override
  public int preferredBatchSize() {
    return batchSize * SORT_WINDOW_BATCHES;
  }

  @Override
  public float[][] encode(List<String> texts) {
    return encode(texts, n -> {});
  }

  @Override
  public synchronized float[][] encode(List<String> texts, LongConsumer progress) {
    if (closed) {
      throw new IllegalStateException("encoder " + id() + " is closed");
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("text " + i + " is null");
      }
    }
    float[][] out = new float[texts.size()][];
    int window = batchSize * SORT_WINDOW_BATCHES;
    for (int start = 0; start < texts.size(); start += window) {
      List<String> part = texts.subList(start, Math.min(texts.size(), start + window));
      Encoding[] encodings = tokenizer.batchEncode(part);
      // shortest first; ties keep input order, so the same input always forms the same batches
      Integer[] order = new Integer[encodings.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
      var batches = new java.util.ArrayList<Encoding[]>();
      for (int b = 0; b < order.length; b += batchSize) {
        int size = Math.min(batchSize, order.length - b);
        Encoding[] batch = new Encoding[size];
        for (int j = 0; j < size; j++) {
          batch[j] = encodings[order[b + j]];
        }
        batches.add(batch);
      }
      var futures = new java.util.ArrayList<java.util.concurrent.Future<float[][]>>();
      for (var batch : batches) {
        futures.add(pool == null ? java.util.concurrent.CompletableFuture.completedFuture(run(batch))
            : pool.submit(() -> run(batch)));
      }
      for (int k = 0; k < batches.size(); k++) {
        float[][] vectors = await(futures.get(k));
        for (int j = 0; j < vectors.length; j++) {
          out[start + order[k * batchSize + j]] = vectors[j];
        }
        progress.accept(vectors.length);
      }
    }
    return out;
  }

  /** One batch on a free predictor (one per worker). */
  private float[][] run(Encoding[] batch) {
    Predictor<Encoding[], float[][]> p;
    try {
      p = spare.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncoderException("text encoder " + id() + " interrupted", e);
    }
    try {
      return p.predict(batch);
    } catch (TranslateException e) {
      throw new EncoderException("text encoder " + id() + " failed on a batch: " + e, e);
    } finally {
      spare.add(p);
    }
  }

  private float[][] await(java.util.concurrent.Future<float[][]> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncoderException("text encoder " + id() + " interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re
          : new EncoderException("text encoder " + id() + " failed on a batch: " + e.getCause(), e.getCause());
    }
  }

  /** Batches encoded at once. */
  public int workers() {
    return all.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (pool != null) {
      pool.shutdownNow();
    }
    all.forEach(Predictor::close);
    model.close();
    tokenizer.close();
  }

  /** Token ids in, mean-pooled unit vectors out; pads the batch to its longest text. */
  private static final class PoolingTranslator implements Translator<Encoding[], float[][]> {
    private static final String MASK = "attention_mask";
    private final int dimension;
    private final EmbeddedModel.Pooling pooling;

    PoolingTranslator(int dimension, EmbeddedModel.Pooling pooling) {
      this.dimension = dimension;
      this.pooling = pooling;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Encoding[] batch) {
      int rows = batch.length;
      int len = 0;
      for (Encoding e : batch) {
        len = Math.max(len, e.getIds().length);
      }
      // padded positions stay 0: masked out of attention and out of the mean, so the pad id does
      // not matter
      long[] ids = new long[rows * len];
      long[] mask = new long[rows * len];
      long[] types = new long[rows * len];
      for (int r = 0; r < rows; r++) {
        int n = batch[r].getIds().length;
        System.arraycopy(batch[r].getIds(), 0, ids, r * len, n);
        System.arraycopy(batch[r].getAttentionMask(), 0, mask, r * len, n);
        System.arraycopy(batch[r].getTypeIds(), 0, types, r * len, n);
      }
      ctx.setAttachment(MASK, mask);
      NDManager m = ctx.getNDManager();
      Shape shape = new Shape(rows, len);
      NDArray idsArray = m.create(ids, shape);
      idsArray.setName("input_ids");
      NDArray maskArray = m.create(mask, shape);
      maskArray.setName(MASK);
      NDArray typesArray = m.create(types, shape);
      typesArray.setName("token_type_ids");
      return new NDList(idsArray, maskArray, typesArray);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList output) {
      long[] mask = (long[]) ctx.getAttachment(MASK);
      NDArray hidden = output.get(0);
      Shape shape = hidden.getShape();
      if (shape.dimension() != 3 || shape.get(2) != dimension) {
        throw new IllegalStateException(
            "expected token states [batch, tokens, " + dimension + "], the graph gave " + shape);
      }
      int rows = (int) shape.get(0);
      int len = (int) shape.get(1);
      float[] states = hidden.toFloatArray();
      float[][] vectors = new float[rows][];
      for (int r = 0; r < rows; r++) {
        float[] v = new float[dimension];
        if (pooling == EmbeddedModel.Pooling.CLS) {
          System.arraycopy(states, r * len * dimension, v, 0, dimension);
        } else {
          int count = 0;
          for (int t = 0; t < len; t++) {
            if (mask[r * len + t] == 0) {
              continue;
            }
            count++;
            int base = (r * len + t) * dimension;
            for (int d = 0; d < dimension; d++) {
              v[d] += states[base + d];
            }
          }
          for (int d = 0; count > 0 && d < dimension; d++) {
            v[d] /= count;
          }
        }
        vectors[r] = Vectors.normaliseInPlace(v);
      }
      return vectors;
    }

    @Override
    public Batchifier getBatchifier() {
      return null; // processInput pads the batch itself
    }
  }
}

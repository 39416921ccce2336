package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The inference-only form of {@link RelationSelfAttention#forward}: the same L layers computed in
 * Java, a few candidates at a time, so that a block of rows stays in the first-level cache through
 * every operation of a layer and a weight row is read once for the whole block.
 *
 * <p>Why: in serving and evaluation the attention runs over small blocks (R = 5..14 relation
 * vectors of d = 64 per candidate) in about fifteen PyTorch calls per layer; their fixed cost and
 * the copies between them (the head-major reshapes, LayerNorm and softmax passes over the whole
 * batch) took most of the time of the pass, not the multiplications. Here each layer is one loop
 * over blocks, on the JDK's Vector API ({@link VectorKernels}) where it is present and covers the
 * shape, else on plain loops (slower than PyTorch: used only by tests and odd shapes).
 *
 * <p>It computes what the PyTorch form computes, in float with float accumulation (a different
 * order of the sums: the results agree to about 1e-6, {@code RelationSelfAttentionKernelTest} and
 * {@code ServingModelTest} hold them to 1e-5). It builds no autograd graph, so {@link
 * RelationSelfAttention} uses it only outside training with grad mode off, and never when
 * {@code -Dlrd.attention.kernel=false} or {@link #setEnabled(boolean) setEnabled(false)}.
 */
public final class RelationSelfAttentionKernel {
  /** Candidates (blocks of R rows) processed together: their rows share each weight row read. */
  static final int BLOCK = 4;

  private RelationSelfAttentionKernel() {}

  /**
   * Whether the kernel may stand in for the PyTorch form: {@code -Dlrd.attention.kernel} (default
   * true), the Vector API present ({@code --add-modules jdk.incubator.vector}: without it the plain
   * loops here are slower than PyTorch) and the optimising JIT on (under {@code
   * -XX:TieredStopAtLevel=1} the vectors are not compiled to vector instructions).
   */
  public static boolean enabled() {
    return AVAILABLE && on;
  }

  /** Whether the kernel can run in this JVM (the Vector API present, the optimising JIT on). */
  public static boolean available() {
    return AVAILABLE;
  }

  /**
   * Turns the kernel off, or back on where {@link #available()}: the PyTorch form serves instead
   * (benchmarks and tests compare the two; {@code -Dlrd.attention.kernel=false} starts it off).
   */
  public static void setEnabled(boolean enabled) {
    on = enabled;
  }

  private static final boolean AVAILABLE = vectorAvailable() && optimisingJit();
  private static volatile boolean on = !"false".equalsIgnoreCase(System.getProperty("lrd.attention.kernel", "true"));

  /** Whether {@code jdk.incubator.vector} is in the boot layer. */
  static boolean vectorAvailable() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  private static boolean optimisingJit() {
    try {
      var vm = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      boolean compiler = "true".equals(vm.getVMOption("UseCompiler").getValue());
      boolean tiered = "true".equals(vm.getVMOption("TieredCompilation").getValue());
      return compiler && (!tiered || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4);
    } catch (RuntimeException | LinkageError e) {
      return true; // not HotSpot: assume a compiler that vectorises
    }
  }

  /** One layer's weights, the matrices transposed to input-major ({@code k × out}). */
  record Layer(float[] qkvT, float[] qkvB, float[] norm1W, float[] norm1B, float[] ff1T, float[] ff1B,
      float[] ff2T, float[] ff2B, float[] norm2W, float[] norm2B) {}

  /**
   * @param x N×R×d, contiguous float
   * @return N×R×d, a new array of {@code x}'s manager
   */
  public static NDArray forward(ParameterSet p, NDArray x, int layers, int heads, AttentionBlock block) {
    var s = x.getShape();
    int n = Math.toIntExact(s.get(0));
    int r = Math.toIntExact(s.get(1));
    int d = Math.toIntExact(s.get(2));
    var weights = layers(p, layers, d, block);
    int len = n * r * d;
    // the input read in place into this thread's buffers and the output written from them: two
    // fresh arrays per pass (1.3 MB for a scoring batch of 200 candidates) were most of the
    // serving path's garbage, and its young collections the tail of its latency
    var io = BUFFERS.get();
    if (io[0].length < len) {
      io[0] = new float[len];
      io[1] = new float[len];
    }
    x.toByteBuffer(true).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get(io[0], 0, len);
    forward(io[0], n, r, d, heads, weights, block == AttentionBlock.SHARED, simd(d, heads), io[1]);
    return x.getManager().create(java.nio.FloatBuffer.wrap(io[1], 0, len), new Shape(n, r, d));
  }

  /** Each thread's input and output arrays for {@link #forward(ParameterSet, NDArray, int, int, AttentionBlock)}, grown as needed. */
  private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private static boolean simd(int d, int heads) {
    return vectorAvailable() && VectorKernels.covers(d) && VectorKernels.covers(d / heads);
  }

  /** The transposed layers of a frozen parameter set, built on its first pass (weak keys: a closed model's go with it). */
  private static final java.util.Map<ParameterSet, Layers> FROZEN = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private record Layers(int d, AttentionBlock block, Layer[] layers) {}

  /**
   * The first {@code layers} layers' weights in the kernel's form: read and transposed on every call
   * while the parameters may change (training, and evaluation between its epochs), once for a
   * {@linkplain ParameterSet#freeze() frozen} set (a serving model: its ~160 KB per layer of copies
   * on every pass were a large part of the scorer's garbage).
   */
  static Layer[] layers(ParameterSet p, int layers, int d, AttentionBlock block) {
    if (p.frozen()) {
      var cached = FROZEN.get(p);
      if (cached != null && cached.d() == d && cached.block() == block && cached.layers().length >= layers) {
        return cached.layers().length == layers ? cached.layers() : java.util.Arrays.copyOf(cached.layers(), layers);
      }
    }
    var weights = new Layer[layers];
    for (int l = 0; l < layers; l++) {
      weights[l] = layer(p, l, d, block);
    }
    if (p.frozen()) {
      FROZEN.put(p, new Layers(d, block, weights));
    }
    return weights;
  }

  static Layer layer(ParameterSet p, int l, int d, AttentionBlock block) {
    if (block == AttentionBlock.SHARED) {
      var k = "attn.shared.";
      return new Layer(transpose(p.get(k + "qkv.weight").toFloatArray(), 3 * d, d), new float[3 * d], null, null,
          transpose(p.get(k + "ff1.weight").toFloatArray(), d, d), p.get(k + "ff1.bias").toFloatArray(),
          transpose(p.get(k + "ff2.weight").toFloatArray(), d, d), p.get(k + "ff2.bias").toFloatArray(),
          p.get(k + "norm.weight").toFloatArray(), p.get(k + "norm.bias").toFloatArray());
    }
    var k = "attn." + l + ".";
    return new Layer(transpose(p.get(k + "qkv.weight").toFloatArray(), 3 * d, d), p.get(k + "qkv.bias").toFloatArray(),
        p.get(k + "norm1.weight").toFloatArray(), p.get(k + "norm1.bias").toFloatArray(),
        transpose(p.get(k + "ff1.weight").toFloatArray(), d, d), p.get(k + "ff1.bias").toFloatArray(),
        transpose(p.get(k + "ff2.weight").toFloatArray(), d, d), p.get(k + "ff2.bias").toFloatArray(),
        p.get(k + "norm2.weight").toFloatArray(), p.get(k + "norm2.bias").toFloatArray());
  }

  /** {@code w} is {@code out × in} (PyTorch's linear weight); the result is {@code in × out}. */
  static float[] transpose(float[] w, int out, int in) {
    var t = new float[w.length];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        t[i * out + o] = w[o * in + i];
      }
    }
    return t;
  }

  /**
   * The layers over {@code x} (N×R×d, row-major), {@code shared}: the reference's form (no first
   * LayerNorm, the feed-forward on the attention output, its residual the layer's input).
   */
  static float[] forward(float[] x, int n, int r, int d, int heads, Layer[] layers, boolean shared) {
    return forward(x, n, r, d, heads, layers, shared, simd(d, heads));
  }

  /** As above; {@code simd}: the {@link VectorKernels} (the caller checked that they cover d and dk). */
  static float[] forward(float[] x, int n, int r, int d, int heads, Layer[] layers, boolean shared, boolean simd) {
    var out = new float[n * r * d];
    forward(x, n, r, d, heads, layers, shared, simd, out);
    return out;
  }

  /** As above, into {@code out} (its first N×R×d floats; {@code x} may be longer than N×R×d). */
  static void forward(float[] x, int n, int r, int d, int heads, Layer[] layers, boolean shared, boolean simd, float[] out) {
    int dk = d / heads;
    float scale = (float) (1 / Math.sqrt(dk));
    int maxRows = BLOCK * r;
    var cur = new float[maxRows * d];
    var qkv = new float[maxRows * 3 * d];
    var ctx = new float[maxRows * d];
    var ff = new float[maxRows * d];
    var scores = new float[simd ? VectorKernels.attendScratch(r, dk) : r];
    for (int c0 = 0; c0 < n; c0 += BLOCK) {
      int cands = Math.min(BLOCK, n - c0);
      int rows = cands * r;
      System.arraycopy(x, c0 * r * d, cur, 0, rows * d);
      for (var w : layers) {
        if (simd) {
          VectorKernels.linear(cur, rows, d, w.qkvT(), w.qkvB(), 3 * d, qkv);
          VectorKernels.attend(qkv, cands, r, d, heads, dk, scale, scores, ctx);
        } else {
          linear(cur, rows, d, w.qkvT(), w.qkvB(), 3 * d, qkv);
          attend(qkv, cands, r, d, heads, dk, scale, scores, ctx);
        }
        if (shared) {
          // x = LN(W2·relu(W1·ctx) + x)
          feedForward(ctx, rows, d, w, ff, qkv, simd);
          addLayerNorm(qkv, cur, rows, d, w.norm2W(), w.norm2B(), cur, simd);
        } else {
          // c = LN1(ctx + x); x = LN2(W2·relu(W1·c) + c)
          addLayerNorm(ctx, cur, rows, d, w.norm1W(), w.norm1B(), ctx, simd);
          feedForward(ctx, rows, d, w, ff, cur, simd);
          addLayerNorm(cur, ctx, rows, d, w.norm2W(), w.norm2B(), cur, simd);
        }
      }
      System.arraycopy(cur, 0, out, c0 * r * d, rows * d);
    }
  }

  /** {@code y = W2·relu(W1·x + b1) + b2}, {@code ff} the hidden scratch. */
  private static void feedForward(float[] x, int rows, int d, Layer w, float[] ff, float[] y, boolean simd) {
    if (simd) {
      VectorKernels.linear(x, rows, d, w.ff1T(), w.ff1B(), d, ff);
      VectorKernels.relu(ff, rows * d);
      VectorKernels.linear(ff, rows, d, w.ff2T(), w.ff2B(), d, y);
    } else {
      linear(x, rows, d, w.ff1T(), w.ff1B(), d, ff);
      relu(ff, rows * d);
      linear(ff, rows, d, w.ff2T(), w.ff2B(), d, y);
    }
  }

  private static void addLayerNorm(float[] x, float[] res, int rows, int d, float[] gamma, float[] beta, float[] y, boolean simd) {
    if (simd) {
      VectorKernels.addLayerNorm(x, res, rows, d, gamma, beta, y);
    } else {
      addInto(x, res, rows * d);
      layerNorm(x, rows, d, gamma, beta, y);
    }
  }

  /** {@code y[rows×o] = x[rows×k] · wT[k×o] + b}; {@code y} must not be {@code x}. */
  static void linear(float[] x, int rows, int k, float[] wT, float[] b, int o, float[] y) {
    for (int row = 0; row < rows; row++) {
      System.arraycopy(b, 0, y, row * o, o);
    }
    for (int kk = 0; kk < k; kk++) {
      int w0 = kk * o;
      for (int row = 0; row < rows; row++) {
        float a = x[row * k + kk];
        int y0 = row * o;
        for (int j = 0; j < o; j++) {
          y[y0 + j] += a * wT[w0 + j];
        }
      }
    }
  }

  /**
   * Scaled dot-product attention across each candidate's R rows, per head, from {@code qkv}
   * ({@code [q | k | v]}, each head-major within: {@code part·d + head·dk + t}) into {@code ctx}
   * (heads concatenated).
   */
  static void attend(float[] qkv, int cands, int r, int d, int heads, int dk, float scale, float[] scores, float[] ctx) {
    int w = 3 * d;
    for (int c = 0; c < cands; c++) {
      int base = c * r;
      for (int h = 0; h < heads; h++) {
        int qOff = h * dk;
        int kOff = d + h * dk;
        int vOff = 2 * d + h * dk;
        for (int i = 0; i < r; i++) {
          int qi = (base + i) * w + qOff;
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < r; j++) {
            int kj = (base + j) * w + kOff;
            float dot = 0;
            for (int t = 0; t < dk; t++) {
              dot += qkv[qi + t] * scale * qkv[kj + t];
            }
            scores[j] = dot;
            max = Math.max(max, dot);
          }
          float z = 0;
          for (int j = 0; j < r; j++) {
            scores[j] = (float) Math.exp(scores[j] - max);
            z += scores[j];
          }
          int ci = (base + i) * d + h * dk;
          for (int t = 0; t < dk; t++) {
            ctx[ci + t] = 0;
          }
          for (int j = 0; j < r; j++) {
            float a = scores[j] / z;
            int vj = (base + j) * w + vOff;
            for (int t = 0; t < dk; t++) {
              ctx[ci + t] += a * qkv[vj + t];
            }
          }
        }
      }
    }
  }

  static void relu(float[] x, int len) {
    for (int i = 0; i < len; i++) {
      x[i] = Math.max(x[i], 0f);
    }
  }

  static void addInto(float[] y, float[] x, int len) {
    for (int i = 0; i < len; i++) {
      y[i] += x[i];
    }
  }

  /** Row-wise LayerNorm over d (biased variance, eps 1e-5, as PyTorch); {@code y} may be {@code x}. */
  static void layerNorm(float[] x, int rows, int d, float[] gamma, float[] beta, float[] y) {
    for (int row = 0; row < rows; row++) {
      int o = row * d;
      float mean = 0;
      for (int j = 0; j < d; j++) {
        mean += x[o + j];
      }
      mean /= d;
      float var = 0;
      for (int j = 0; j < d; j++) {
        float c = x[o + j] - mean;
        var += c * c;
      }
      var /= d;
      float inv = (float) (1 / Math.sqrt(var + 1e-5));
      for (int j = 0; j < d; j++) {
        y[o + j] = (x[o + j] - mean) * inv * gamma[j] + beta[j];
      }
    }
  }
}

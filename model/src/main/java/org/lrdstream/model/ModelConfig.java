package org.lrdstream.model;

import java.util.Locale;

/**
 * Everything that defines a model and how it is trained, with the reference settings of MODEL.md as
 * defaults. Immutable; {@link #builder()} or {@link #forName(String)} make one.
 *
 * @param backbone RCF or KDA, or one of the baselines ({@link Backbone})
 * @param dim embedding size d
 * @param layers self-attention layers across relations (L)
 * @param heads attention heads (h)
 * @param dropout dropout after attention and feed-forward
 * @param historyMax history length n used by the model
 * @param latentRelations K latent relations discovered by LRD (0 = no LRD)
 * @param lambdaLrd λ, weight of the LRD loss (0 = no LRD)
 * @param alphaEntropy α, weight of the entropy term of the LRD loss
 * @param entropySign paper (maximise) or reference-code (minimise) entropy
 * @param leaveOneLatent drop the "sequence" relation from LRD's reconstruction (reference code)
 * @param lrdInput text vectors (paper) or ID embeddings ("w/o LLM")
 * @param gammaKge γ, weight of the KGE loss (0 = "w/o KGE"; {@link #GAMMA_AUTO} until resolved for a data set)
 * @param freqInit KDA decay parameter initialisation
 * @param freqDim number of non-negative frequencies of KDA's decay (33 = linspace(0, ½, 33))
 * @param trainNegatives sampled negatives per training example (1 = BPR)
 * @param learningRate Adam learning rate
 * @param l2 L2 penalty (weight decay on every non-bias parameter, as torch.optim.Adam)
 * @param batchSize training batch size
 * @param timeScalar seconds per time unit of KDA's intervals (60: minutes)
 * @param lrdObjective how LRD's reconstruction uses q ({@link LrdObjective}; null reads as
 *     {@link LrdObjective#MIXTURE}, the form of checkpoints written before it existed)
 * @param block the self-attention's form ({@link AttentionBlock}; null, as in checkpoints written
 *     before it existed, reads as {@link AttentionBlock#STACKED})
 * @param kgSampling how KGE triplets are drawn and γ = auto counted ({@link KgSampling}; null, as
 *     in checkpoints written before it existed, reads as {@link KgSampling#PAIRS})
 * @param lrdBeta2 Adam's β₂ for LRD's relation classifier (the {@code lrd.*} parameters; every other
 *     parameter keeps 0.999). 0.999 (the default, and what 0 reads as: checkpoints written before it
 *     existed) is the paper's plain Adam. A shorter memory frees the classifier sooner once it has
 *     gone one-hot: its second moment then remembers the large gradients of the first epochs and
 *     holds its steps near 1 % of the learning rate for about 8,000 steps (BENCHMARKS, "LRD's
 *     classifier: one-hot from epoch 2")
 * @param lrdRestart 0 (the default, the paper's training): nothing. K ≥ 1: whenever LRD's
 *     classifier has been one-hot (mean per-pair entropy under {@link #COLLAPSED_ENTROPY}) for K
 *     epochs in a row, its Adam moments are set to 0 at the end of that epoch, which frees it
 *     (BENCHMARKS, "LRD's classifier: one-hot from epoch 2")
 * @param weightAverage 0 (the default, the paper's training): nothing. D in (0, 1): the offline
 *     trainer keeps an exponential moving average of every parameter over the optimizer's steps
 *     (decay D, warmed up as min(D, (1 + t) / (10 + t)) at step t), and evaluates, selects and
 *     saves the averaged parameters in place of the last step's; training itself is unchanged
 *     ({@link Adam#swapAverage}). It smooths the epoch-to-epoch noise of the dev and test metrics
 */
public record ModelConfig(
    Backbone backbone,
    int dim,
    int layers,
    int heads,
    float dropout,
    int historyMax,
    int latentRelations,
    float lambdaLrd,
    float alphaEntropy,
    EntropySign entropySign,
    boolean leaveOneLatent,
    LrdInput lrdInput,
    float gammaKge,
    FrequencyInit freqInit,
    int freqDim,
    int trainNegatives,
    float learningRate,
    float l2,
    int batchSize,
    float timeScalar,
    AttentionBlock block,
    LrdObjective lrdObjective,
    KgSampling kgSampling,
    float lrdBeta2,
    int lrdRestart,
    float weightAverage) {

  public ModelConfig {
    if (lrdObjective == null) {
      lrdObjective = LrdObjective.MIXTURE;
    }
    if (block == null) {
      block = AttentionBlock.STACKED;
    }
    if (kgSampling == null) {
      kgSampling = KgSampling.PAIRS;
    }
    if (lrdBeta2 == 0f) {
      lrdBeta2 = Adam.BETA2;
    }
    if (lrdRestart < 0) {
      throw new IllegalArgumentException("lrdRestart (epochs one-hot before LRD's classifier is restarted; 0 = never) must be at least 0, got " + lrdRestart);
    }
    if (!(weightAverage >= 0f && weightAverage < 1f)) {
      throw new IllegalArgumentException("weightAverage (the decay of the parameters' moving average; 0 = off) must be in [0, 1), got " + weightAverage);
    }
    if (!(lrdBeta2 > 0f && lrdBeta2 < 1f)) {
      throw new IllegalArgumentException("lrdBeta2 (Adam's β₂ for the LRD classifier) must be in (0, 1), got " + lrdBeta2);
    }
    if (dim % heads != 0) {
      throw new IllegalArgumentException("dim " + dim + " must be a multiple of heads " + heads);
    }
    if (latentRelations < 0 || layers < 0 || historyMax < 1 || trainNegatives < 1 || batchSize < 1) {
      throw new IllegalArgumentException("invalid model config: " + this);
    }
  }

  /**
   * γ = "auto": the reference code's default, the number of KG rows over the number of
   * interactions (1.14 on Office with {@link KgSampling#ROWS}; see there for {@link
   * KgSampling#PAIRS}), resolved when the model is built for a data set ({@link
   * ModelFactory#create}).
   */
  public static final float GAMMA_AUTO = -1f;

  /** The mean per-pair entropy of LRD's classifier under which it counts as one-hot ({@link #lrdRestart}). */
  public static final double COLLAPSED_ENTROPY = 0.01;

  public boolean lrdEnabled() {
    return latentRelations > 0 && lambdaLrd > 0;
  }

  /**
   * The models of the paper's tables by name: {@code rcf}, {@code kda} (vanilla backbones, "w/o
   * LRD"), {@code rcf+lrd}, {@code kda+lrd}; ablations {@code kda+lrd-llm} ("w/o LLM": the
   * classifier reads ID embeddings) and {@code kda+lrd-kge} ("w/o KGE": γ = 0); any name may end
   * in {@code -kge} to drop the KGE loss; and the baselines of Table 3, {@code caser}, {@code
   * gru4rec}, {@code sasrec}, {@code tisasrec} ({@link SequentialBaselines}).
   */
  public static ModelConfig forName(String name) {
    var n = name.strip().toLowerCase(Locale.ROOT);
    int at = n.indexOf('@');
    if (at >= 0) {
      return withSettings(forName(n.substring(0, at)), n.substring(at + 1), name);
    }
    var b = builder();
    if (n.endsWith("-kge")) {
      b.gammaKge(0);
      n = n.substring(0, n.length() - 4);
    }
    if (n.endsWith("-llm")) {
      b.lrdInput(LrdInput.ID);
      n = n.substring(0, n.length() - 4);
    }
    switch (n) {
      case "kda" -> b.backbone(Backbone.KDA).latentRelations(0).lambdaLrd(0).learningRate(1e-3f);
      case "kda+lrd" -> b.backbone(Backbone.KDA).latentRelations(8).lambdaLrd(10).learningRate(1e-3f);
      case "rcf" -> b.backbone(Backbone.RCF).latentRelations(0).lambdaLrd(0).learningRate(1e-4f);
      case "rcf+lrd" -> b.backbone(Backbone.RCF).latentRelations(5).lambdaLrd(10).learningRate(1e-4f);
      // the baselines of Table 3 ignore relations: no LRD, no KGE (their papers' layer, head and
      // dropout settings; lr and L2 are the runner's, searched by lrd experiment --table3)
      case "sasrec" -> baseline(b, Backbone.SASREC).layers(2).dropout(0.2f);
      case "tisasrec" -> baseline(b, Backbone.TISASREC).layers(2).dropout(0.2f);
      case "gru4rec" -> baseline(b, Backbone.GRU4REC).layers(1).dropout(0f);
      case "caser" -> baseline(b, Backbone.CASER).layers(1).dropout(0.5f);
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", MODELS)
          + ", and ablations like kda+lrd-llm, kda+lrd-kge)");
    }
    return b.build();
  }

  /** The model names {@link #forName} knows (before any suffix or {@code @} setting). */
  public static final java.util.List<String> MODELS =
      java.util.List.of("rcf", "rcf+lrd", "kda", "kda+lrd", "caser", "gru4rec", "sasrec", "tisasrec");

  private static Builder baseline(Builder b, Backbone backbone) {
    return b.backbone(backbone).latentRelations(0).lambdaLrd(0).gammaKge(0).heads(1).learningRate(1e-3f);
  }

  /** The hyper-parameters a model name may set after {@code @} (a sensitivity sweep's variants). */
  public static final java.util.List<String> NAME_SETTINGS = java.util.List.of("latent", "lambda", "alpha", "gamma", "lr", "l2", "block", "lrd", "kg", "dropout", "layers", "heads", "entropy", "freq", "lrdbeta2", "lrdrestart", "ema");

  /**
   * Applies {@code key=value[,key=value...]} settings to a named model's defaults, as in {@code
   * kda+lrd@latent=5} or {@code kda+lrd@lambda=0.1}: the names of a sensitivity sweep.
   */
  private static ModelConfig withSettings(ModelConfig base, String settings, String name) {
    var b = base.toBuilder();
    // key=value pairs separated by ',' or '@' (a list of model names on a command line is
    // comma-separated, so chain settings there as kda+lrd@latent=5@lambda=1)
    for (var kv : settings.split("[,@]")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("model '" + name + "': want key=value after @, got '" + kv + "'");
      }
      var key = kv.substring(0, eq).strip();
      var value = kv.substring(eq + 1).strip();
      try {
        switch (key) {
          case "latent" -> b.latentRelations(Integer.parseInt(value));
          case "lambda" -> b.lambdaLrd(Float.parseFloat(value));
          case "alpha" -> b.alphaEntropy(Float.parseFloat(value));
          case "gamma" -> b.gammaKge(Float.parseFloat(value));
          case "lr" -> b.learningRate(Float.parseFloat(value));
          case "l2" -> b.l2(Float.parseFloat(value));
          case "block" -> b.block(parseEnum(AttentionBlock.class, key, value, name));
          case "lrd" -> b.lrdObjective(parseEnum(LrdObjective.class, key, value, name));
          case "kg" -> b.kgSampling(parseEnum(KgSampling.class, key, value, name));
          case "dropout" -> b.dropout(Float.parseFloat(value));
          case "layers" -> b.layers(Integer.parseInt(value));
          case "heads" -> b.heads(Integer.parseInt(value));
          case "entropy" -> b.entropySign(parseEnum(EntropySign.class, key, value, name));
          case "freq" -> b.freqInit(parseEnum(FrequencyInit.class, key, value, name));
          case "lrdbeta2" -> b.lrdBeta2(Float.parseFloat(value));
          case "lrdrestart" -> b.lrdRestart(Integer.parseInt(value));
          case "ema" -> b.weightAverage(Float.parseFloat(value));
          default -> throw new IllegalArgumentException("model '" + name + "': unknown setting '" + key
              + "' (known: " + String.join(", ", NAME_SETTINGS) + ")");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("model '" + name + "': '" + value + "' is not a number for " + key);
      }
    }
    return b.build();
  }

  /** An enum setting by its constant's name (any case), or one clear error listing the choices. */
  private static <E extends Enum<E>> E parseEnum(Class<E> type, String key, String value, String name) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      var choices = java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
      throw new IllegalArgumentException("model '" + name + "': " + key + " must be "
          + String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1)
          + ", got '" + value + "'");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable builder with MODEL.md's reference settings as defaults. */
  public static final class Builder {
    private Backbone backbone = Backbone.KDA;
    private int dim = 64;
    private int layers = 5;
    private int heads = 4;
    private float dropout = 0f;
    private int historyMax = 20;
    private int latentRelations = 8;
    private float lambdaLrd = 10f;
    private float alphaEntropy = 0.1f;
    private EntropySign entropySign = EntropySign.MAXIMISE;
    private boolean leaveOneLatent = true;
    private LrdInput lrdInput = LrdInput.TEXT;
    private float gammaKge = GAMMA_AUTO;
    private FrequencyInit freqInit = FrequencyInit.DFT;
    private int freqDim = 33;
    private int trainNegatives = 1;
    private float learningRate = 1e-3f;
    private float l2 = 1e-6f;
    private int batchSize = 256;
    private float timeScalar = 60f;
    private AttentionBlock block = AttentionBlock.STACKED;
    private LrdObjective lrdObjective = LrdObjective.MIXTURE;
    private KgSampling kgSampling = KgSampling.ROWS;
    private float lrdBeta2 = Adam.BETA2;
    private int lrdRestart = 0;
    private float weightAverage = 0f;

    Builder() {}

    Builder(ModelConfig c) {
      backbone = c.backbone; dim = c.dim; layers = c.layers; heads = c.heads; dropout = c.dropout;
      historyMax = c.historyMax; latentRelations = c.latentRelations; lambdaLrd = c.lambdaLrd;
      alphaEntropy = c.alphaEntropy; entropySign = c.entropySign; leaveOneLatent = c.leaveOneLatent;
      lrdInput = c.lrdInput; gammaKge = c.gammaKge; freqInit = c.freqInit; freqDim = c.freqDim;
      trainNegatives = c.trainNegatives; learningRate = c.learningRate; l2 = c.l2;
      batchSize = c.batchSize; timeScalar = c.timeScalar; block = c.block;
      lrdObjective = c.lrdObjective; kgSampling = c.kgSampling; lrdBeta2 = c.lrdBeta2;
      lrdRestart = c.lrdRestart; weightAverage = c.weightAverage;
    }

    public Builder backbone(Backbone v) { backbone = v; return this; }
    public Builder dim(int v) { dim = v; return this; }
    public Builder layers(int v) { layers = v; return this; }
    public Builder heads(int v) { heads = v; return this; }
    public Builder dropout(float v) { dropout = v; return this; }
    public Builder historyMax(int v) { historyMax = v; return this; }
    public Builder latentRelations(int v) { latentRelations = v; return this; }
    public Builder lambdaLrd(float v) { lambdaLrd = v; return this; }
    public Builder alphaEntropy(float v) { alphaEntropy = v; return this; }
    public Builder entropySign(EntropySign v) { entropySign = v; return this; }
    public Builder leaveOneLatent(boolean v) { leaveOneLatent = v; return this; }
    public Builder lrdInput(LrdInput v) { lrdInput = v; return this; }
    public Builder gammaKge(float v) { gammaKge = v; return this; }
    public Builder freqInit(FrequencyInit v) { freqInit = v; return this; }
    public Builder freqDim(int v) { freqDim = v; return this; }
    public Builder trainNegatives(int v) { trainNegatives = v; return this; }
    public Builder learningRate(float v) { learningRate = v; return this; }
    public Builder l2(float v) { l2 = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder timeScalar(float v) { timeScalar = v; return this; }
    public Builder block(AttentionBlock v) { block = v; return this; }
    public Builder lrdObjective(LrdObjective v) { lrdObjective = v; return this; }
    public Builder kgSampling(KgSampling v) { kgSampling = v; return this; }
    public Builder lrdBeta2(float v) { lrdBeta2 = v; return this; }
    public Builder lrdRestart(int v) { lrdRestart = v; return this; }
    public Builder weightAverage(float v) { weightAverage = v; return this; }

    public ModelConfig build() {
      return new ModelConfig(backbone, dim, layers, heads, dropout, historyMax, latentRelations,
          lambdaLrd, alphaEntropy, entropySign, leaveOneLatent, lrdInput, gammaKge, freqInit,
          freqDim, trainNegatives, learningRate, l2, batchSize, timeScalar, block, lrdObjective, kgSampling, lrdBeta2, lrdRestart, weightAverage);
    }
  }
}

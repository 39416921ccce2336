package org.lrdstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import java.util.SplittableRandom;

/**
 * The relation-aware sequential recommender with Latent Relation Discovery (MODEL.md): a backbone
 * (RCF, or KDA with temporal decay) scoring {@code y_uj = (U_u + m_uj) · E_j + b_j} (eq. 9), trained
 * jointly with the KGE loss on predefined triplets (eq. 15) and, when K &gt; 0, the LRD loss that
 * discovers K latent relations from the language model's item vectors (eq. 1–8, 14).
 *
 * <p>Entities (rows of {@code entity}) are the items 0..N (0 = padding) then every attribute value.
 * The model owns its NDManager; {@link #close()} frees every native tensor.
 */
public final class LrdModel implements AutoCloseable {
  private final ModelConfig config;
  private final RelationSchema schema;
  private final ItemTables items;
  private final int numUsers;
  private final NDManager manager;
  private final ParameterSet params;
  private final NDArray valueIndex;
  private final NDArray valueWeight;
  private final NDArray textVectors;

  /**
   * A freshly initialised model (ReChorus's N(0, 0.01²) initialisation from {@code seed}).
   *
   * @param decayInit KDA's per-relation {real, imag} coefficients (the DFT initialisation), or
   *     null for a random one
   */
  public LrdModel(ModelConfig config, RelationSchema schema, ItemTables items, int numUsers,
      NDManager parent, long seed, float[][][] decayInit) {
    if (schema.attributeCount() != items.attributeCount()) {
      throw new IllegalArgumentException("schema has " + schema.attributeCount() + " attribute relations, item tables " + items.attributeCount());
    }
    if (config.gammaKge() < 0) {
      throw new IllegalArgumentException("γ = auto (" + config.gammaKge() + ") must be resolved for a data set first (ModelFactory.resolve)");
    }
    if (config.lrdEnabled() && config.lrdInput() == LrdInput.TEXT && items.textDim() == 0) {
      throw new IllegalArgumentException("LRD reads text vectors, but the items have none");
    }
    this.config = config;
    this.schema = schema;
    this.items = items;
    this.numUsers = numUsers;
    this.manager = parent.newSubManager();
    this.params = new ParameterSet(manager);
    var rng = new SplittableRandom(seed);
    int d = config.dim();
    int r = schema.size();
    params.normal("entity", rng, 0.01f, items.numEntities(), d);
    params.normal("relation", rng, 0.01f, r, d);
    params.normal("user", rng, 0.01f, numUsers + 1L, d);
    params.normal("itemBias", rng, 0.01f, items.numItems() + 1L);
    if (config.backbone() == Backbone.KDA) {
      int f = config.freqDim();
      if (decayInit != null) {
        var re = new float[r * f];
        var im = new float[r * f];
        for (int k = 0; k < r; k++) {
          System.arraycopy(decayInit[k][0], 0, re, k * f, f);
          System.arraycopy(decayInit[k][1], 0, im, k * f, f);
        }
        params.put("decay.real", re, new Shape(r, f));
        params.put("decay.imag", im, new Shape(r, f));
      } else {
        params.normal("decay.real", rng, 1f, r, f); // FrequencyInit.RANDOM: the reference's N(0, 1)
        params.normal("decay.imag", rng, 1f, r, f);
      }
    }
    if (config.backbone().relationAware()) {
      RelationSelfAttention.create(params, rng, config.layers(), d, config.block());
    } else {
      SequentialBaselines.create(params, rng, config);
    }
    if (config.lrdEnabled()) {
      int in = config.lrdInput() == LrdInput.TEXT ? items.textDim() : d;
      params.normal("lrd.proj.weight", rng, 0.01f, d, in);
      params.normal("lrd.proj.bias", rng, 0.01f, d);
      params.normal("lrd.cls.weight", rng, 0.01f, r, 2L * d);
      params.normal("lrd.cls.bias", rng, 0.01f, r);
    }
    int na = items.attributeCount();
    int slots = items.valueSlots();
    this.valueIndex = na == 0 ? null
        : ParameterSet.owned(manager, items.valueIndex(), new Shape(items.numItems() + 1L, na, slots));
    this.valueWeight = na == 0 ? null
        : ParameterSet.owned(manager, items.valueWeight(), new Shape(items.numItems() + 1L, na, slots));
    this.textVectors = items.textDim() == 0 ? null
        : ParameterSet.owned(manager, items.textVectors(), new Shape(items.numItems() + 1L, items.textDim()));
  }

  public ModelConfig config() {
    return config;
  }

  public RelationSchema schema() {
    return schema;
  }

  public ItemTables items() {
    return items;
  }

  public int numUsers() {
    return numUsers;
  }

  public ParameterSet parameters() {
    return params;
  }

  public NDManager manager() {
    return manager;
  }

  // ---- scoring --------------------------------------------------------------------------------

  /**
   * Keys of all items for all relations, (N+1)×R×d; computed once per step or per evaluation. A
   * baseline has no keys: its table is the item embeddings, (N+1)×d, which its forward pass ignores.
   */
  public NDArray keyTable() {
    var entity = params.get("entity");
    var itemEmb = entity.get("0:" + (items.numItems() + 1));
    if (!config.backbone().relationAware()) {
      return itemEmb;
    }
    NDArray values;
    int r = schema.size();
    if (valueIndex == null) {
      values = manager.zeros(new Shape(items.numItems() + 1L, r, config.dim()));
    } else {
      var valueEmb = gather(valueIndex, entity); // N+1, A, S, d
      values = RelationAttention.valueTable(valueEmb, valueWeight, r);
    }
    return RelationAttention.keyTable(itemEmb, params.get("relation"), values);
  }

  /** Scores B×C of a batch (eq. 9). */
  public NDArray scores(NDManager m, ScoreBatch batch, NDArray keyTable, boolean training) {
    return forward(m, batch, keyTable, training).scores;
  }

  /** The intermediate results of a forward pass that explanations need. */
  public record Forward(NDArray scores, NDArray intensities) {}

  /**
   * The forward pass. {@code intensities} (B×C×R×n, after KDA's decay) is the relation intensity
   * of each history item for each candidate: the paper's explanation of a recommendation. A
   * baseline ({@link SequentialBaselines}) has none of its own: its intensities put, on relation
   * {@code sequence}, the softmax over the history of each history item's embedding dot the
   * candidate's (the history item most like the candidate explains it), 0 on the other relations;
   * they are computed only outside training (null in training).
   */
  public Forward forward(NDManager m, ScoreBatch batch, NDArray keyTable, boolean training) {
    if (!config.backbone().relationAware()) {
      return baselineForward(m, batch, training);
    }
    int b = batch.size();
    int n = batch.historyLength();
    int c = batch.candidateCount();
    int r = schema.size();
    int d = config.dim();
    var entity = params.get("entity");
    var hist = m.create(batch.history(), new Shape(b, n));
    var mask = hist.gt(0).toType(DataType.FLOAT32, false);
    var cands = m.create(batch.candidates(), new Shape(b, c));
    var eh = gather(hist, entity); // B,n,d
    var ej = gather(cands, entity); // B,C,d
    var keys = gather(cands, keyTable.reshape(items.numItems() + 1L, (long) r * d)).reshape(b, c, r, d);
    var a = RelationAttention.intensities(keys, eh, mask); // B,C,R,n
    if (config.backbone() == Backbone.KDA) {
      var x = m.create(batch.intervals(), new Shape(b, n));
      var decay = TemporalDecay.decay(x, params.get("decay.real"), params.get("decay.imag")); // B,R,n
      a = a.mul(decay.expandDims(1));
    }
    var s = RelationAttention.aggregate(a, eh).reshape((long) b * c, r, d);
    var h = RelationSelfAttention.forward(params, s, config.layers(), config.heads(), config.dropout(), training, config.block());
    var pooled = h.mean(new int[] {1}).reshape(b, c, d); // AGG = mean (eq. 10)
    var users = m.create(batch.users());
    var u = gather(users, params.get("user")).expandDims(1); // B,1,d
    var bias = gather(cands, params.get("itemBias").expandDims(1)).reshape(b, c);
    var y = pooled.add(u).mul(ej).sum(new int[] {2}).add(bias);
    return new Forward(y, a);
  }

  private Forward baselineForward(NDManager m, ScoreBatch batch, boolean training) {
    int b = batch.size();
    int n = batch.historyLength();
    int c = batch.candidateCount();
    var entity = params.get("entity");
    var u = gather(m.create(batch.users()), params.get("user")); // B,d
    var h = SequentialBaselines.encode(params, config, m, batch, u, training); // B,d
    var cands = m.create(batch.candidates(), new Shape(b, c));
    var ej = gather(cands, entity); // B,C,d
    var bias = gather(cands, params.get("itemBias").expandDims(1)).reshape(b, c);
    var y = ej.matMul(h.expandDims(2)).reshape(b, c).add(bias);
    NDArray a = null;
    if (!training) {
      var hist = m.create(batch.history(), new Shape(b, n));
      var mask = hist.gt(0).toType(DataType.FLOAT32, false).expandDims(1); // B,1,n
      var sim = ej.matMul(gather(hist, entity).transpose(0, 2, 1)); // B,C,n
      var w = sim.add(mask.sub(1f).mul(1e9f)).softmax(2).mul(mask).expandDims(2); // B,C,1,n
      int r = schema.size();
      a = r == 1 ? w : w.concat(m.zeros(new Shape(b, c, r - 1L, n)), 2);
    }
    return new Forward(y, a);
  }

  /**
   * A candidate-free summary of each history in a batch, for catalog-wide retrieval (for a
   * baseline, its history representation: then {@code query · E_j + b_j} is its exact score): the
   * forward pass with the candidate-dependent intensities replaced by uniform ones over the valid history
   * (then KDA's decay, the relation self-attention and the pooling as in {@link #forward}), plus the
   * user embedding. {@code query · E_j + b_j} has the form of the model's score of item j (eq. 9)
   * and costs one dot product per item. The batch's candidates are ignored.
   *
   * @return B×d
   */
  public NDArray retrievalQuery(NDManager m, ScoreBatch batch) {
    if (!config.backbone().relationAware()) {
      // a baseline's score is exactly q · E_j + b_j: retrieval is the model itself
      var u = gather(m.create(batch.users()), params.get("user"));
      return SequentialBaselines.encode(params, config, m, batch, u, false);
    }
    int b = batch.size();
    int n = batch.historyLength();
    int r = schema.size();
    int d = config.dim();
    var entity = params.get("entity");
    var hist = m.create(batch.history(), new Shape(b, n));
    var mask = hist.gt(0).toType(DataType.FLOAT32, false);
    var uniform = mask.div(mask.sum(new int[] {1}, true).maximum(1f)); // B,n
    var a = m.ones(new Shape(b, 1, r, n)).mul(uniform.reshape(b, 1, 1, n));
    if (config.backbone() == Backbone.KDA) {
      var x = m.create(batch.intervals(), new Shape(b, n));
      var decay = TemporalDecay.decay(x, params.get("decay.real"), params.get("decay.imag")); // B,R,n
      a = a.mul(decay.expandDims(1));
    }
    var s = RelationAttention.aggregate(a, gather(hist, entity)).reshape(b, r, d);
    var h = RelationSelfAttention.forward(params, s, config.layers(), config.heads(), config.dropout(), false, config.block());
    var u = gather(m.create(batch.users()), params.get("user"));
    return h.mean(new int[] {1}).add(u);
  }

  // ---- losses ---------------------------------------------------------------------------------

  /** The loss terms of one step, as scalars (NDArrays of the step's manager). */
  public record Losses(NDArray total, NDArray rec, NDArray kge, NDArray lrd, NDArray entropy) {}

  /** {@code L = L_rec + γ·L_kge + λ·L_lrd} (eq. 16) for one training batch. */
  public Losses losses(NDManager m, TrainBatch batch) {
    return losses(m, batch, 1f, 1f);
  }

  /**
   * The joint loss of one shard of a batch, weighted for data-parallel training: {@code total =
   * e·L_rec + t·γ·L_kge + e·λ·L_lrd}, with {@code e} the shard's share of the batch's examples and
   * {@code t} its share of the triplets, so that the shards' gradients sum to the gradient of the
   * batch (exactly for the per-example means, as PyTorch's DistributedDataParallel averages for the
   * per-pair ones). The other terms are the shard's own, unweighted.
   */
  public Losses losses(NDManager m, TrainBatch batch, float exampleWeight, float tripletWeight) {
    var keyTable = keyTable();
    var y = scores(m, batch.examples(), keyTable, true);
    var rec = recommendationLoss(y);
    var total = exampleWeight == 1f ? rec : Scalars.times(rec, exampleWeight);
    NDArray kge = m.zeros(new Shape());
    if (config.gammaKge() > 0 && batch.triplets().size() > 0) {
      kge = kgeLoss(m, batch.triplets());
      total = total.add(Scalars.times(kge, config.gammaKge() * tripletWeight));
    }
    NDArray lrd = m.zeros(new Shape());
    NDArray entropy = m.zeros(new Shape());
    if (config.lrdEnabled()) {
      var terms = lrdLoss(m, batch.examples(), batch.lrdNegatives());
      lrd = terms[0];
      entropy = terms[1];
      total = total.add(Scalars.times(lrd, config.lambdaLrd() * exampleWeight));
    }
    return new Losses(total, rec, kge, lrd, entropy);
  }

  /**
   * BPR generalised to k negatives as in the reference code: {@code −log Σ_k softmax(y_neg)_k ·
   * σ(y_pos − y_neg,k)}; with one negative it is {@code −log σ(y_pos − y_neg)} (eq. 13).
   */
  public static NDArray recommendationLoss(NDArray y) {
    long c = y.getShape().get(1);
    var pos = y.get(":, 0:1");
    var neg = y.get(":, 1:");
    if (c == 2) {
      return logSigmoid(pos.sub(neg)).neg().mean();
    }
    var w = neg.softmax(1);
    return Activation.sigmoid(pos.sub(neg)).mul(w).sum(new int[] {1}).add(1e-12f).log().neg().mean();
  }

  /** KGE (eq. 15): DistMult with the shared value, against a corrupted twin, BPR-style. */
  public NDArray kgeLoss(NDManager m, KgBatch t) {
    var entity = params.get("entity");
    var rel = gather(m.create(t.relations()), params.get("relation"))
        .add(gather(m.create(t.values()), entity).mul(m.create(t.hasValue()).expandDims(1)));
    var pos = DistMult.score(gather(m.create(t.heads()), entity), rel, gather(m.create(t.tails()), entity));
    var neg = DistMult.score(gather(m.create(t.negativeHeads()), entity), rel, gather(m.create(t.negativeTails()), entity));
    return logSigmoid(pos.sub(neg)).neg().mean();
  }

  /**
   * LRD (eq. 1–8, 14): for each valid (v_i, j) pair the relation distribution q_i, the weighted
   * relation {@code w_i = Σ_r q_ir Rel_r}, and the reconstruction {@code −log mean_i σ(φ(v_i, w_i,
   * j) − φ(v_i⁻, w_i, j))} with a negative history item; plus ∓α·H(q).
   *
   * @return {loss including the entropy term, mean entropy}
   */
  public NDArray[] lrdLoss(NDManager m, ScoreBatch ex, long[] negatives) {
    int b = ex.size();
    int n = ex.historyLength();
    int c = ex.candidateCount();
    var entity = params.get("entity");
    var hist = m.create(ex.history(), new Shape(b, n));
    var mask = hist.gt(0).toType(DataType.FLOAT32, false);
    var target = m.create(ex.candidates(), new Shape(b, c)).get(":, 0");
    NDArray inHist;
    NDArray inTarget;
    if (config.lrdInput() == LrdInput.TEXT) {
      inHist = gather(hist, textVectors);
      inTarget = gather(target, textVectors);
    } else {
      inHist = gather(hist, entity);
      inTarget = gather(target, entity);
    }
    boolean reference = config.lrdObjective() == LrdObjective.REFERENCE;
    // the reference form keeps sequence in the softmax and leaves it out of w instead
    var logQ = LatentRelationHead.logDistribution(params, inHist, inTarget, config.leaveOneLatent() && !reference); // B,n,R
    var ej = gather(target, entity).expandDims(1); // B,1,d
    var pairs = mask.sum().maximum(1f);
    NDArray rec;
    if (config.lrdObjective() == LrdObjective.EXPECTED) {
      // φ_r for every relation at once: (E_v ⊙ E_j) · Rel_rᵀ
      var relT = params.get("relation").transpose();
      var pos = gather(hist, entity).mul(ej).matMul(relT); // B,n,R
      var neg = gather(m.create(negatives, new Shape(b, n)), entity).mul(ej).matMul(relT);
      var perRelation = logSigmoid(pos).add(logSigmoid(neg.neg())); // B,n,R
      var perPair = logQ.exp().mul(perRelation).sum(new int[] {2}).neg(); // B,n
      rec = perPair.mul(mask).sum().div(pairs);
    } else if (reference) {
      // per relation r (sequence left out with leave-one-latent): the score with w_ir = q_ir Rel_r,
      // φ(h, w_ir, t) + Σ h⊙w_ir + Σ t⊙w_ir = q_ir (h⊙t + h + t)·Rel_r; the t term cancels in pos − neg
      var q = logQ.exp();
      var rel = params.get("relation");
      if (config.leaveOneLatent()) {
        q = q.get(":, :, 1:");
        rel = rel.get("1:");
      }
      var eh = gather(hist, entity);
      var en = gather(m.create(negatives, new Shape(b, n)), entity);
      var diff = eh.mul(ej).add(eh).sub(en.mul(ej)).sub(en).matMul(rel.transpose()).mul(q); // B,n,R'
      var valid = mask.sum(new int[] {1}, true).maximum(1f); // B,1
      var meanSig = Activation.sigmoid(diff).mul(mask.expandDims(2)).sum(new int[] {1}).div(valid); // B,R'
      rec = meanSig.add(1e-12f).log().neg().mean();
    } else {
      var w = logQ.exp().matMul(params.get("relation")); // B,n,d
      var pos = DistMult.score(gather(hist, entity), w, ej); // B,n
      var neg = DistMult.score(gather(m.create(negatives, new Shape(b, n)), entity), w, ej);
      var valid = mask.sum(new int[] {1}).maximum(1f);
      var meanSig = Activation.sigmoid(pos.sub(neg)).mul(mask).sum(new int[] {1}).div(valid);
      rec = meanSig.add(1e-12f).log().neg().mean();
    }
    var entropy = LatentRelationHead.entropy(logQ).mul(mask).sum().div(pairs);
    NDArray term = switch (config.entropySign()) {
      case MAXIMISE -> entropy.neg();
      case MINIMISE -> entropy;
      // mean of −q log q over all B·n·R entries, padding slots included, as the reference code
      case REFERENCE -> Scalars.dividedBy(LatentRelationHead.entropy(logQ).mean(), schema.size());
      case BALANCED -> {
        // H of the batch's mean distribution over the valid pairs: large when relations are used evenly
        var mean = logQ.exp().mul(mask.expandDims(2)).sum(new int[] {0, 1}).div(pairs); // R
        var marginal = mean.add(1e-12f).log().mul(mean).sum().neg();
        yield entropy.sub(marginal);
      }
    };
    return new NDArray[] {rec.add(Scalars.times(term, config.alphaEntropy())), entropy};
  }

  /** LRD's relation distribution for given (history item, target) pairs, P×R probabilities. */
  public NDArray relationDistribution(NDManager m, long[] heads, long[] tails) {
    var h = m.create(heads, new Shape(heads.length, 1));
    var t = m.create(tails);
    var src = config.lrdInput() == LrdInput.TEXT ? textVectors : params.get("entity");
    return LatentRelationHead.logDistribution(params, gather(h, src), gather(t, src),
        config.leaveOneLatent() && config.lrdObjective() != LrdObjective.REFERENCE)
        .exp().reshape(heads.length, schema.size());
  }

  // ---- helpers --------------------------------------------------------------------------------

  static NDArray gather(NDArray index, NDArray table) {
    return index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** {@code log σ(x) = −softplus(−x)}, stable for large |x|. */
  static NDArray logSigmoid(NDArray x) {
    return Activation.softPlus(x.neg()).neg();
  }

  @Override
  public void close() {
    params.close();
    manager.close();
  }
}

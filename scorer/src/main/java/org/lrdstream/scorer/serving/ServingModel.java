package org.lrdstream.scorer.serving;

import org.lrdstream.state.checkpoint.RelationLabels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lrdstream.model.LrdInput;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Recommendation.Reason;
import org.lrdstream.state.records.Recommendation.RecommendedItem;

/**
 * One checkpoint ready to serve: the model (its forward pass is the inference, MODEL.md eq. 9–12),
 * the key table computed once, and what candidate generation needs — the item embeddings and biases
 * for the catalog-wide dot-product retrieval, the items of each attribute value for the relation
 * neighbours, and the items by learned bias (the popularity term of eq. 9) for popular items.
 *
 * <p>Thread-safe for concurrent {@link #recommend} calls; {@link #close()} only once no call is in
 * flight ({@link ModelHolder} guarantees that).
 */
public final class ServingModel implements AutoCloseable {
  /**
   * Checkpoint {@code extra} key: external ids of items that have a row (and a text vector) but no
   * training yet. Their ID embedding is replaced by their text vector through LRD's projection
   * {@code W1 T + b1} (the paper's eq. 1), so a new item is scored from its text until trained.
   */
  public static final String UNTRAINED_ITEMS = "untrained_items";

  private final long version;
  private final NDManager manager;
  private final LrdModel model;
  private final NDArray keyTable;
  private final NDArray itemMatrixT; // d × (N+1)
  private final float[] itemBias;
  private final float[] entity; // item rows (N+1)×d
  private final float[] users; // (U+1)×d
  private final List<String> itemIds;
  private final Map<String, Integer> itemRow;
  private final Map<String, Integer> userRow;
  private final int[] popular;
  private final long[][] valuesOfItem;
  private final Map<Long, int[]> itemsOfValue;
  private final int projectedItems;
  private final int d;
  private final int n;
  private final float timeScalar;

  /**
   * Most (event, candidate, relation) rows in one piece of a pass (see {@link #forwardInPieces}):
   * 1,600 candidates for KDA's 5 relations, 615 for KDA+LRD's 13. The offline evaluator's passes
   * were fastest at 4,000–5,000 such rows and 24 % slower at 20,800 (BENCHMARKS.md, "Evaluation
   * passes by size"). {@code -Dlrd.scorer.pass-rows} overrides it, for benchmarks.
   */
  static final int PASS_RELATION_ROWS = Integer.getInteger("lrd.scorer.pass-rows", 8000);

  private Map<String, String> labels = Map.of();
  private volatile Retrieval retrieval = Retrieval.MODEL;
  private volatile int workers = Runtime.getRuntime().availableProcessors();

  private ServingModel(Checkpoint c, LrdModel model, NDManager manager) {
    this.version = c.version();
    this.manager = manager;
    this.model = model;
    var cfg = model.config();
    this.d = cfg.dim();
    this.n = cfg.historyMax();
    this.timeScalar = cfg.timeScalar();
    var tables = model.items();
    int numItems = tables.numItems();
    if (c.items().size() != numItems + 1) {
      throw new IllegalArgumentException("checkpoint v" + c.version() + " lists " + c.items().size()
          + " item ids for " + (numItems + 1) + " item rows");
    }
    this.itemIds = List.copyOf(c.items());
    this.itemRow = new HashMap<>();
    for (int i = 1; i <= numItems; i++) {
      itemRow.put(itemIds.get(i), i);
    }
    this.userRow = new HashMap<>();
    for (int u = 1; u < c.users().size(); u++) {
      userRow.put(c.users().get(u), u);
    }
    this.projectedItems = projectUntrained(c, model);
    var params = model.parameters();
    var allEntities = params.get("entity").toFloatArray();
    this.entity = Arrays.copyOf(allEntities, (numItems + 1) * d);
    this.users = params.get("user").toFloatArray();
    this.itemBias = params.get("itemBias").toFloatArray();
    this.keyTable = model.keyTable();
    this.itemMatrixT = manager.create(entity, new Shape(numItems + 1L, d)).transpose().duplicate();
    this.popular = byBiasDescending(itemBias);
    // the attribute values of each item and the items of each value: the relation neighbours
    int na = tables.attributeCount();
    int slots = tables.valueSlots();
    var vi = tables.valueIndex();
    this.valuesOfItem = new long[numItems + 1][];
    var lists = new HashMap<Long, List<Integer>>();
    for (int i = 1; i <= numItems; i++) {
      var vs = new ArrayList<Long>();
      for (int a = 0; a < na; a++) {
        for (int s = 0; s < slots; s++) {
          long v = vi[(i * na + a) * slots + s];
          if (v > 0) {
            vs.add(v);
            lists.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
          }
        }
      }
      valuesOfItem[i] = vs.stream().mapToLong(Long::longValue).toArray();
    }
    this.itemsOfValue = new HashMap<>();
    lists.forEach((v, l) -> itemsOfValue.put(v, l.stream().mapToInt(Integer::intValue).toArray()));
    // a serving model never changes (a new checkpoint is a new ServingModel): inference may keep
    // derived forms of its weights
    params.freeze();
  }

  /**
   * Loads a checkpoint for serving.
   *
   * @param layers self-attention layers to run (0 = all); fewer runs the first {@code layers} only
   */
  public static ServingModel load(Checkpoint c, int layers) {
    return load(c, layers, new RelationLabels(Map.of(), "none"));
  }

  /** As {@link #load(Checkpoint, int)}, naming relations in reasons with the checkpoint's labels. */
  public static ServingModel load(Checkpoint c, int layers, RelationLabels labels) {
    var checkpoint = c;
    int trained = c.config().path("layers").asInt(-1);
    if (layers > 0 && layers != trained) {
      if (layers > trained) {
        throw new IllegalArgumentException("--layers " + layers + ": checkpoint v" + c.version()
            + " has only " + trained + " self-attention layers");
      }
      var cfg = ((ObjectNode) c.config().deepCopy()).put("layers", layers);
      checkpoint = new Checkpoint(c.version(), c.createdAt(), cfg, c.relations(), c.users(),
          c.items(), c.offsets(), c.metrics(), c.extra(), c.tensors());
    }
    var manager = NDManager.newBaseManager(); // loads the engine, before any direct JNI call
    try {
      // the parameters require gradients for training; inference records none (per native thread)
      JniUtils.setGradMode(false);
      var model = ModelCheckpoint.fromCheckpoint(checkpoint, manager, null);
      var serving = new ServingModel(checkpoint, model, manager);
      serving.labels = labels.labels();
      return serving;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static int projectUntrained(Checkpoint c, LrdModel model) {
    var listed = c.extra().get(UNTRAINED_ITEMS);
    if (!(listed instanceof List<?> ids) || ids.isEmpty()) {
      return 0;
    }
    var cfg = model.config();
    var tables = model.items();
    if (!cfg.lrdEnabled() || cfg.lrdInput() != LrdInput.TEXT || tables.textDim() == 0) {
      return 0; // no projection from text: the rows stay as they are
    }
    int d = cfg.dim();
    int p = tables.textDim();
    var w1 = model.parameters().get("lrd.proj.weight").toFloatArray(); // d × p
    var b1 = model.parameters().get("lrd.proj.bias").toFloatArray();
    var entity = model.parameters().get("entity").toFloatArray();
    var text = tables.textVectors();
    var rows = new HashMap<String, Integer>();
    for (int i = 1; i < c.items().size(); i++) {
      rows.put(c.items().get(i), i);
    }
    int projected = 0;
    for (var id : ids) {
      Integer row = rows.get(String.valueOf(id));
      if (row == null) {
        continue;
      }
      for (int k = 0; k < d; k++) {
        double s = b1[k];
        for (int j = 0; j < p; j++) {
          s += (double) w1[k * p + j] * text[row * p + j];
        }
        entity[row * d + k] = (float) s;
      }
      projected++;
    }
    model.parameters().load("entity", entity);
    return projected;
  }

  private static int[] byBiasDescending(float[] bias) {
    return java.util.stream.IntStream.range(1, bias.length).boxed()
        .sorted((a, b) -> Float.compare(bias[b], bias[a]))
        .mapToInt(Integer::intValue).toArray();
  }

  public long version() {
    return version;
  }

  public ModelConfig config() {
    return model.config();
  }

  public int relationCount() {
    return model.schema().size();
  }

  /** The relations a reason can name, in the model's order (the {@code relation} of a reason). */
  public List<String> relationNames() {
    return List.copyOf(model.schema().names());
  }

  public int numItems() {
    return itemIds.size() - 1;
  }

  /** Items represented from their text vectors ({@link #UNTRAINED_ITEMS}). */
  public int projectedItems() {
    return projectedItems;
  }

  /** The item row of an external id, or -1 when the model does not know it. */
  public int itemRow(String item) {
    var r = itemRow.get(item);
    return r == null ? -1 : r;
  }

  /** The user row of an external id, 0 (no user embedding) when the model does not know it. */
  public int userRow(String user) {
    var r = userRow.get(user);
    return r == null ? 0 : r;
  }

  public String itemId(int row) {
    return itemIds.get(row);
  }

  /**
   * A user's history resolved to model rows: the last {@code historyMax} items the model knows
   * (unknown ones skipped), oldest first, 0-padded at the end, with KDA's interval features
   * relative to {@code timeMs} — the layout the offline evaluator gives the model.
   */
  public record ResolvedHistory(long[] rows, float[] intervals, long[] ages, int length, int skipped) {}

  public ResolvedHistory resolve(List<HistoryEntry> history, long timeMs) {
    var known = new ArrayList<HistoryEntry>(history.size());
    int skipped = 0;
    for (var h : history) {
      if (itemRow(h.item()) > 0) {
        known.add(h);
      } else {
        skipped++;
      }
    }
    var rows = new long[n];
    var intervals = new float[n];
    var ages = new long[n];
    int from = Math.max(0, known.size() - n);
    int len = known.size() - from;
    for (int k = 0; k < len; k++) {
      var h = known.get(from + k);
      rows[k] = itemRow(h.item());
      intervals[k] = ScoreBatch.interval(Math.floorDiv(timeMs, 1000), Math.floorDiv(h.ts(), 1000), timeScalar);
      ages[k] = ScoreBatch.age(Math.floorDiv(timeMs, 1000), Math.floorDiv(h.ts(), 1000));
    }
    return new ResolvedHistory(rows, intervals, ages, len, skipped);
  }

  /** The full model's scores and relation intensities (C×R×n) of given candidates. */
  public record Scores(float[] scores, float[] intensities) {}

  public Scores score(int user, ResolvedHistory h, long[] candidates) {
    JniUtils.setGradMode(false);
    org.lrdstream.model.FlushDenormals.onThisThread();
    try (var scope = new NDScope()) {
      var batch = new ScoreBatch(1, n, candidates.length, new long[] {user}, h.rows(), h.intervals(), candidates, h.ages());
      var f = model.forward(model.manager(), batch, keyTable, false);
      return new Scores(f.scores().toFloatArray(), f.intensities().toFloatArray());
    }
  }

  /** What {@link #recommend} produced: the ranked items and how many candidates were scored. */
  public record Result(List<RecommendedItem> items, int candidates, int skippedHistory, boolean popularFallback) {}

  /** One event to recommend after: the user, their history (oldest first, the event last), its time. */
  public record Request(String user, List<HistoryEntry> history, long timeMs) {}

  /**
   * The top-K next items after a user's history (oldest first, the latest event last): candidates
   * from a catalog-wide dot product, the relation neighbours of the recent history and popular
   * items, then the full model on those candidates, each item with its strongest (relation, history
   * item) as its reason. A history the model knows nothing of gets the popular items.
   */
  public Result recommend(String user, List<HistoryEntry> history, long timeMs, int numCandidates,
      int topK, boolean excludeSeen, int neighbourHistory) {
    return recommendAll(List.of(new Request(user, history, timeMs)), numCandidates, topK, excludeSeen,
        neighbourHistory).get(0);
  }

  /**
   * {@link #recommend} for several events at once: one retrieval pass and one forward pass of the
   * full model over all of them (B events × C candidates), which amortises the per-pass cost that
   * dominates a single event's 200 candidates. Each result is what {@link #recommend} gives for that
   * request alone (the model's rows do not interact across the batch).
   */
  public List<Result> recommendAll(List<Request> requests, int numCandidates, int topK,
      boolean excludeSeen, int neighbourHistory) {
    int numItems = numItems();
    int b = requests.size();
    var results = new Result[b];
    var resolved = new ResolvedHistory[b];
    var excluded = new boolean[b][];
    var userRows = new long[b];
    var active = new ArrayList<Integer>(b);
    for (int q = 0; q < b; q++) {
      var req = requests.get(q);
      resolved[q] = resolve(req.history(), req.timeMs());
      excluded[q] = new boolean[numItems + 1];
      excluded[q][0] = true;
      if (excludeSeen) {
        for (var e : req.history()) {
          int r = itemRow(e.item());
          if (r > 0) {
            excluded[q][r] = true;
          }
        }
      }
      userRows[q] = userRow(req.user());
      if (resolved[q].length() == 0) {
        results[q] = new Result(popular(topK, excluded[q]), 0, resolved[q].skipped(), true);
      } else {
        active.add(q);
      }
    }
    if (active.isEmpty()) {
      return Arrays.asList(results);
    }
    var retrievals = retrievalScores(active.stream().mapToInt(q -> (int) userRows[q]).toArray(),
        active.stream().map(q -> resolved[q]).toList());
    var cands = new long[b][];
    var scored = new ArrayList<Integer>(active.size());
    int c = 0;
    for (int k = 0; k < active.size(); k++) {
      int q = active.get(k);
      cands[q] = candidates(retrievals[k], resolved[q], excluded[q], numCandidates, neighbourHistory);
      if (cands[q].length == 0) {
        results[q] = new Result(List.of(), 0, resolved[q].skipped(), false);
      } else {
        scored.add(q);
        c = Math.max(c, cands[q].length);
      }
    }
    if (scored.isEmpty()) {
      return Arrays.asList(results);
    }
    // one C for the whole batch: a shorter candidate list is padded with its first item, whose
    // repeated scores are ignored (each row of the batch is scored independently of the others)
    int bf = scored.size();
    var userIds = new long[bf];
    var rows = new long[bf * n];
    var intervals = new float[bf * n];
    var ages = new long[bf * n];
    var flat = new long[bf * c];
    for (int k = 0; k < bf; k++) {
      int q = scored.get(k);
      var h = resolved[q];
      userIds[k] = userRows[q];
      System.arraycopy(h.rows(), 0, rows, k * n, n);
      System.arraycopy(h.intervals(), 0, intervals, k * n, n);
      System.arraycopy(h.ages(), 0, ages, k * n, n);
      Arrays.fill(flat, k * c, (k + 1) * c, cands[q][0]);
      System.arraycopy(cands[q], 0, flat, k * c, cands[q].length);
    }
    var scores = new float[bf * c];
    var lengths = new int[bf];
    for (int k = 0; k < bf; k++) {
      lengths[k] = resolved[scored.get(k)].length();
    }
    var strongest = new int[bf * c];
    forwardInPieces(bf, c, userIds, rows, intervals, ages, flat, lengths, scores, strongest);
    var names = model.schema().names();
    for (int k = 0; k < bf; k++) {
      int q = scored.get(k);
      var h = resolved[q];
      int len = cands[q].length;
      int sBase = k * c;
      var order = java.util.stream.IntStream.range(0, len).boxed()
          .sorted((x, y) -> Float.compare(scores[sBase + y], scores[sBase + x]))
          .limit(topK).mapToInt(Integer::intValue).toArray();
      var items = new ArrayList<RecommendedItem>(order.length);
      for (int j : order) {
        int best = strongest[sBase + j];
        int bestR = best < 0 ? -1 : best / n;
        int bestI = best < 0 ? -1 : best % n;
        var reason = bestR < 0 ? new Reason(null, null)
            : new Reason(names.get(bestR), itemId((int) h.rows()[bestI]), labels.get(names.get(bestR)));
        items.add(new RecommendedItem(itemId((int) cands[q][j]), scores[sBase + j], reason));
      }
      results[q] = new Result(items, len, h.skipped(), false);
    }
    return Arrays.asList(results);
  }

  /**
   * Runs the scoring path on made-up histories of the catalog's items once for every batch size
   * from 1 to {@code batch} events, so that the first real batches of each size do not pay for the
   * JIT and PyTorch's first-call work on that shape (a fresh JVM scores its first seconds several
   * times slower). Changes nothing in the model.
   */
  public void warmUp(int batch, int numCandidates) {
    int numItems = numItems();
    if (numItems < 2) {
      return;
    }
    var rng = new java.util.SplittableRandom(7);
    for (int b = 1; b <= batch; b++) {
      var requests = new ArrayList<Request>(b);
      for (int q = 0; q < b; q++) {
        var history = new ArrayList<HistoryEntry>(n);
        for (int k = 0; k < n; k++) {
          history.add(new HistoryEntry(itemId(1 + rng.nextInt(numItems)), 1_000_000L * (k + 1)));
        }
        requests.add(new Request("", history, 1_000_000L * (n + 1)));
      }
      recommendAll(requests, numCandidates, 10, true, 3);
    }
  }

  private List<RecommendedItem> popular(int k, boolean[] excluded) {
    var out = new ArrayList<RecommendedItem>(k);
    for (int i : popular) {
      if (out.size() == k) {
        break;
      }
      if (!excluded[i]) {
        out.add(new RecommendedItem(itemId(i), itemBias[i], new Reason(null, null)));
      }
    }
    return out;
  }

  /**
   * The full model's pass over {@code bf} events × {@code c} candidates, cut into pieces that run
   * concurrently on {@link #workers()} threads of one PyTorch intra-op thread each: on these many
   * small operations two single-threaded passes side by side are about twice as fast as one pass
   * with two intra-op threads, and passes of up to {@link #PASS_RELATION_ROWS} rows stay
   * in cache (BENCHMARKS.md, "Scorer: pieces on parallel workers"). A piece is either whole events
   * or, when there are fewer events than workers, a range of one event's candidates; the rows of
   * the model do not interact, so the result is the single pass's. Fills {@code scores} (bf×c) and
   * {@code strongest} (bf×c): each candidate's {@link #strongest strongest (relation, history item)}
   * over the first {@code lengths[event]} history positions.
   */
  private void forwardInPieces(int bf, int c, long[] userIds, long[] rows, float[] intervals, long[] ages,
      long[] flat, int[] lengths, float[] scores, int[] strongest) {
    var pieces = pieces(bf, c, workers, Math.max(1, PASS_RELATION_ROWS / Math.max(1, relationCount())));
    if (pieces.size() == 1) {
      JniUtils.setGradMode(false);
      org.lrdstream.model.FlushDenormals.onThisThread();
      forwardPiece(pieces.get(0), c, userIds, rows, intervals, ages, flat, lengths, scores, strongest);
      return;
    }
    onWorkers(pieces.size(), k -> forwardPiece(pieces.get(k), c, userIds, rows, intervals, ages, flat, lengths, scores, strongest));
  }

  /**
   * Runs {@code body} for tasks 0..count-1 on at most {@link #workers()} threads, each with grad
   * mode off and one PyTorch intra-op thread ({@link org.lrdstream.model.NativeWorkers}), and
   * returns when all are done.
   */
  private void onWorkers(int count, java.util.function.IntConsumer body) {
    org.lrdstream.model.NativeWorkers.run(workers, count, false, body);
  }

  /** One piece: events {@code [e0, e1)}, candidates {@code [c0, c1)} of each. */
  record Piece(int e0, int e1, int c0, int c1) {}

  /**
   * How {@link #forwardInPieces} cuts {@code events} × {@code c} rows for {@code workers} threads:
   * one piece when a single worker suffices, else pieces of about {@code rows / workers} rows (at
   * most {@code passRows}), made of whole events where a piece holds at least one event's
   * candidates and of one event's candidate ranges otherwise.
   */
  static List<Piece> pieces(int events, int c, int workers, int passRows) {
    long total = (long) events * c;
    if (workers <= 1 && total <= passRows || total <= 1) {
      return List.of(new Piece(0, events, 0, c));
    }
    int pieceRows = (int) Math.max(1, Math.min(passRows, (total + Math.max(1, workers) - 1) / Math.max(1, workers)));
    var out = new ArrayList<Piece>();
    if (pieceRows >= c) {
      int perPiece = Math.max(1, pieceRows / c);
      for (int e = 0; e < events; e += perPiece) {
        out.add(new Piece(e, Math.min(events, e + perPiece), 0, c));
      }
    } else {
      int ranges = (c + pieceRows - 1) / pieceRows;
      int width = (c + ranges - 1) / ranges;
      for (int e = 0; e < events; e++) {
        for (int c0 = 0; c0 < c; c0 += width) {
          out.add(new Piece(e, e + 1, c0, Math.min(c, c0 + width)));
        }
      }
    }
    return out;
  }

  private void forwardPiece(Piece p, int c, long[] userIds, long[] rows, float[] intervals, long[] ages,
      long[] flat, int[] lengths, float[] scores, int[] strongest) {
    int be = p.e1() - p.e0();
    int cc = p.c1() - p.c0();
    var pFlat = new long[be * cc];
    for (int k = 0; k < be; k++) {
      System.arraycopy(flat, (p.e0() + k) * c + p.c0(), pFlat, k * cc, cc);
    }
    var batch = new ScoreBatch(be, n, cc, Arrays.copyOfRange(userIds, p.e0(), p.e1()),
        Arrays.copyOfRange(rows, p.e0() * n, p.e1() * n), Arrays.copyOfRange(intervals, p.e0() * n, p.e1() * n),
        pFlat, Arrays.copyOfRange(ages, p.e0() * n, p.e1() * n));
    // a piece is whole events (c0 = 0, cc = c) or part of one event: either way one contiguous run
    int base = p.e0() * c + p.c0();
    int r = relationCount();
    try (var scope = new NDScope()) {
      var f = model.forward(model.manager(), batch, keyTable, false);
      var s = f.scores().toFloatArray();
      System.arraycopy(s, 0, scores, base, s.length);
      // read in place: a batch's intensities (C×R×n floats, 6.6 MB for 32 events of 200) were
      // the scorer's largest garbage, and only the strongest of each candidate is ever used
      var a = f.intensities().toByteBuffer(true).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
      for (int k = 0; k < be * cc; k++) {
        strongest[base + k] = strongest(a, k * r * n, r, n, lengths[p.e0() + k / cc]);
      }
    }
  }

  /**
   * The strongest (relation, history position) of one candidate, as {@code relation·n + position},
   * from its R×n intensities at {@code offset}: the largest over the first {@code length} positions
   * of each relation (the first such in relation-major order), -1 when there is none (no history,
   * or every intensity NaN).
   */
  static int strongest(java.nio.FloatBuffer a, int offset, int r, int n, int length) {
    int best = -1;
    float max = Float.NEGATIVE_INFINITY;
    for (int rel = 0; rel < r; rel++) {
      int o = offset + rel * n;
      for (int i = 0; i < length; i++) {
        float v = a.get(o + i);
        if (v > max) {
          max = v;
          best = rel * n + i;
        }
      }
    }
    return best;
  }

  /** Threads {@link #forwardInPieces} runs a batch's pieces on (default: one per core). */
  public int workers() {
    return workers;
  }

  /** Sets {@link #workers()}; 1 runs every pass on the caller's thread as one piece. */
  public ServingModel workers(int w) {
    if (w < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + w);
    }
    this.workers = w;
    return this;
  }

  /** Sets how the catalog-wide retrieval summarises a history (default {@link Retrieval#MODEL}). */
  public ServingModel retrieval(Retrieval r) {
    this.retrieval = java.util.Objects.requireNonNull(r);
    return this;
  }

  public Retrieval retrieval() {
    return retrieval;
  }

  /**
   * {@code q · E_j + b_j} for every item j: the cheap catalog-wide retrieval, with {@code q} the
   * history's summary under the current {@link Retrieval}.
   */
  float[] retrievalScores(int user, ResolvedHistory h) {
    return retrievalScores(new int[] {user}, List.of(h))[0];
  }

  /**
   * {@link #retrievalScores(int, ResolvedHistory)} of several histories: one pass, or with several
   * {@link #workers()} one pass per worker over its share of the histories.
   */
  float[][] retrievalScores(int[] userRows, List<ResolvedHistory> hs) {
    int b = hs.size();
    if (workers <= 1 || b == 0) {
      return retrievalPass(userRows, hs);
    }
    int parts = Math.min(workers, b);
    var out = new float[b][];
    int per = (b + parts - 1) / parts;
    onWorkers((b + per - 1) / per, k -> {
      int from = k * per;
      int to = Math.min(b, from + per);
      var part = retrievalPass(Arrays.copyOfRange(userRows, from, to), hs.subList(from, to));
      System.arraycopy(part, 0, out, from, to - from);
    });
    return out;
  }

  private float[][] retrievalPass(int[] userRows, List<ResolvedHistory> hs) {
    int b = hs.size();
    float[] dots;
    try (var scope = new NDScope()) {
      NDArray q;
      if (retrieval == Retrieval.MODEL) {
        JniUtils.setGradMode(false);
        org.lrdstream.model.FlushDenormals.onThisThread();
        var userIds = new long[b];
        var rows = new long[b * n];
        var intervals = new float[b * n];
        var ages = new long[b * n];
        for (int k = 0; k < b; k++) {
          var h = hs.get(k);
          userIds[k] = userRows[k];
          System.arraycopy(h.rows(), 0, rows, k * n, n);
          System.arraycopy(h.intervals(), 0, intervals, k * n, n);
          System.arraycopy(h.ages(), 0, ages, k * n, n);
        }
        var batch = new ScoreBatch(b, n, 1, userIds, rows, intervals, new long[b], ages);
        q = model.retrievalQuery(model.manager(), batch);
      } else {
        var mean = new float[b * d];
        for (int k = 0; k < b; k++) {
          var h = hs.get(k);
          for (int i = 0; i < h.length(); i++) {
            int base = (int) h.rows()[i] * d;
            for (int j = 0; j < d; j++) {
              mean[k * d + j] += entity[base + j] / h.length();
            }
          }
          for (int j = 0; j < d; j++) {
            mean[k * d + j] += users[userRows[k] * d + j];
          }
        }
        q = manager.create(mean, new Shape(b, d));
      }
      dots = q.matMul(itemMatrixT).toFloatArray();
    }
    int width = dots.length / b;
    var out = new float[b][];
    for (int k = 0; k < b; k++) {
      out[k] = Arrays.copyOfRange(dots, k * width, (k + 1) * width);
      for (int j = 0; j < width; j++) {
        out[k][j] += itemBias[j];
      }
    }
    return out;
  }

  /** Popular items (a tenth), relation neighbours of the recent history (a quarter), then retrieval. */
  long[] candidates(float[] retrieval, ResolvedHistory h, boolean[] excluded, int wanted, int neighbourHistory) {
    int numItems = numItems();
    var chosen = excluded.clone();
    var out = new long[Math.min(wanted, numItems)];
    int size = 0;
    int popularQuota = Math.max(1, wanted / 10);
    for (int k = 0, added = 0; k < popular.length && added < popularQuota && size < out.length; k++) {
      int i = popular[k];
      if (!chosen[i]) {
        chosen[i] = true;
        out[size++] = i;
        added++;
      }
    }
    int neighbourQuota = wanted / 4;
    if (neighbourQuota > 0 && neighbourHistory > 0) {
      var neighbours = new ArrayList<Integer>();
      var seenNeighbour = new boolean[numItems + 1];
      for (int k = Math.max(0, h.length() - neighbourHistory); k < h.length(); k++) {
        for (long v : valuesOfItem[(int) h.rows()[k]]) {
          for (int j : itemsOfValue.getOrDefault(v, new int[0])) {
            if (!chosen[j] && !seenNeighbour[j]) {
              seenNeighbour[j] = true;
              neighbours.add(j);
            }
          }
        }
      }
      neighbours.sort((a, b) -> Float.compare(retrieval[b], retrieval[a]));
      for (int k = 0; k < neighbours.size() && k < neighbourQuota && size < out.length; k++) {
        int j = neighbours.get(k);
        chosen[j] = true;
        out[size++] = j;
      }
    }
    int rest = out.length - size;
    if (rest > 0) {
      for (int j : topByScore(retrieval, chosen, rest)) {
        out[size++] = j;
      }
    }
    return Arrays.copyOf(out, size);
  }

  /** The {@code k} best rows by score among those not yet chosen (a bounded min-heap). */
  static int[] topByScore(float[] score, boolean[] chosen, int k) {
    var heap = new int[k];
    int size = 0;
    for (int j = 1; j < score.length; j++) {
      if (chosen[j]) {
        continue;
      }
      if (size < k) {
        heap[size] = j;
        siftUp(heap, size++, score);
      } else if (score[j] > score[heap[0]]) {
        heap[0] = j;
        siftDown(heap, size, score);
      }
    }
    return Arrays.copyOf(heap, size);
  }

  private static void siftUp(int[] heap, int at, float[] score) {
    while (at > 0) {
      int parent = (at - 1) / 2;
      if (score[heap[at]] >= score[heap[parent]]) {
        return;
      }
      int t = heap[at];
      heap[at] = heap[parent];
      heap[parent] = t;
      at = parent;
    }
  }

  private static void siftDown(int[] heap, int size, float[] score) {
    int at = 0;
    while (true) {
      int l = 2 * at + 1;
      int r = l + 1;
      int min = at;
      if (l < size && score[heap[l]] < score[heap[min]]) {
        min = l;
      }
      if (r < size && score[heap[r]] < score[heap[min]]) {
        min = r;
      }
      if (min == at) {
        return;
      }
      int t = heap[at];
      heap[at] = heap[min];
      heap[min] = t;
      at = min;
    }
  }

  @Override
  public void close() {
    model.close();
    manager.close();
  }
}

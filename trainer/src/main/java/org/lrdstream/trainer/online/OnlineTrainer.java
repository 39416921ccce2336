package org.lrdstream.trainer.online;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lrdstream.encoder.TextEncoder;
import org.lrdstream.model.Adam;
import org.lrdstream.model.Backbone;
import org.lrdstream.model.FrequencyInit;
import org.lrdstream.model.TemporalDecay;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.RelationSchema;
import org.lrdstream.model.ScoreBatch;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.Checkpoint;
import org.lrdstream.state.checkpoint.CheckpointException;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.Item;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;
import org.lrdstream.trainer.offline.KnowledgeGraph;
import org.lrdstream.trainer.step.JointStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The online trainer: consumes {@code sequence-events} in micro-batches and takes the joint BPR +
 * KGE + LRD step of the offline trainer ({@link JointStep}) on each, growing its tables for new
 * users, items and attribute values, and publishes checkpoints every N steps or T seconds.
 *
 * <p><b>Exactly-once training.</b> A checkpoint is taken only between steps, and records, for each
 * partition of {@code sequence-events}, the offset after the last event of the last step it
 * contains. On start the trainer loads the newest intact checkpoint of its store and seeks there:
 * the events before those offsets are in the model's parameters exactly once, and every later
 * event is trained after the restart, once. Work after the last checkpoint is redone, never
 * doubled. The replay buffer, the samplers' random state and the per-user sets that negatives avoid
 * are not checkpointed: they refill from the stream after a restart.
 *
 * <p>One thread owns the model, the consumers and the producer (PyTorch's gradient recording is
 * global per process: one training thread).
 */
public final class OnlineTrainer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OnlineTrainer.class);
  private static final int MAX_NON_FINITE_IN_A_ROW = 3;

  /** What a step did; {@code eventIds} are all the events it consumed, trained or not. */
  public record Step(long number, List<String> eventIds, int trained, int replayed, float[] terms, long stepNanos) {}

  /** Told about the trainer's progress, in its thread. */
  public interface Listener {
    default void started(long version, Map<String, Long> offsets, String from) {}

    default void stepDone(Step step) {}

    /** A checkpoint was stored and announced; {@code model} is the live model it holds (valid during the call only). */
    default void checkpointPublished(CheckpointMetadata meta, LrdModel model) {}

    default void checkpointRefused(long version, String reason) {}
  }

  private final TrainerConfig config;
  private final TextEncoder encoder;
  private final Listener listener;
  private final TrainerMetrics metrics;
  private final MeterRegistry registry;
  private final CheckpointStore store;
  private final JointStep jointStep = new JointStep();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean stopRequested;
  private volatile Throwable failure;
  private volatile long eventsConsumed;
  private volatile long examplesTrained;

  private NDManager manager;
  private ModelConfig modelConfig;
  private RelationSchema schema;
  private LrdModel model;
  private Adam adam;
  private Vocabulary vocab;
  private KnowledgeGraph graph;
  private long graphCatalogVersion = -1;
  private ReplayBuffer buffer;
  private SplittableRandom rng;
  private final Map<TopicPartition, Long> trainedOffsets = new HashMap<>();
  private long version;
  private long steps;
  private long replayedTotal;
  private long stepsAtCheckpoint;
  private long checkpointNanos = System.nanoTime();
  private final double[] lossSums = new double[JointStep.TERMS.size()];
  private int lossCount;
  private Checkpoint restored;

  private OnlineTrainer(TrainerConfig config, CheckpointStore store, TextEncoder encoder, MeterRegistry registry,
      Listener listener) {
    this.config = config;
    this.encoder = encoder;
    this.listener = listener;
    this.metrics = new TrainerMetrics(registry);
    this.registry = registry;
    this.store = store;
    this.thread = new Thread(this::run, "lrd-trainer");
  }

  /**
   * Starts the trainer in its own thread; returns once it has restored its state, read the catalog
   * and is consuming (or throws what stopped it from getting there).
   */
  public static OnlineTrainer start(TrainerConfig config, TextEncoder encoder, MeterRegistry registry,
      Listener listener, Duration timeout) {
    return start(config, new LocalCheckpointStore(config.checkpointDir()), encoder, registry, listener, timeout);
  }

  /** As {@link #start(TrainerConfig, TextEncoder, MeterRegistry, Listener, Duration)}, with another store. */
  public static OnlineTrainer start(TrainerConfig config, CheckpointStore store, TextEncoder encoder,
      MeterRegistry registry, Listener listener, Duration timeout) {
    var t = new OnlineTrainer(config, store, encoder, registry, listener);
    t.thread.start();
    try {
      if (!t.ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        t.close();
        throw new IllegalStateException("the trainer did not start within " + timeout
            + "; is the broker at " + config.bootstrapServers() + " up?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      t.close();
      throw new IllegalStateException("interrupted while starting the trainer", e);
    }
    if (t.failure != null) {
      throw t.failure instanceof RuntimeException re ? re : new IllegalStateException(t.failure.getMessage(), t.failure);
    }
    return t;
  }

  /** The error that stopped the trainer, or null. */
  public Throwable failure() {
    return failure;
  }

  public boolean isRunning() {
    return thread.isAlive();
  }

  /** Sequence events consumed since this process started. */
  public long eventsConsumed() {
    return eventsConsumed;
  }

  /** Examples trained (new, not replayed), including those of the checkpoint it resumed from. */
  public long examplesTrained() {
    return examplesTrained;
  }

  /** Waits until the trainer stops by itself (an error) or the thread is interrupted. */
  public void awaitTermination() throws InterruptedException {
    thread.join();
  }

  /** Stops after the current step, publishing a last checkpoint of what was trained since the previous one. */
  @Override
  public void close() {
    stopRequested = true;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the training thread ----------------------------------------------------------------------

  private void run() {
    boolean clean = false;
    manager = NDManager.newBaseManager("PyTorch");
    // PyTorch records autograd graphs per native thread by default; only the joint step's gradient
    // collector should (and loading rows into a parameter in place must not be recorded)
    JniUtils.setGradMode(false);
    org.lrdstream.model.FlushDenormals.onThisThread(); // subnormal gradients are slow (FlushDenormals)
    try (var events = new KafkaConsumer<>(consumerProps("events"), new StringDeserializer(), new ByteArrayDeserializer());
        var items = new KafkaConsumer<>(consumerProps("items"), new StringDeserializer(), new ByteArrayDeserializer());
        var producer = new KafkaProducer<>(producerProps(), new StringSerializer(), RecordSerdes.checkpointMetadata().serializer())) {
      // the clients' own metrics (fetch rates, lag, request latency) beside the trainer's
      var bound = List.of(new KafkaClientMetrics(events), new KafkaClientMetrics(items), new KafkaClientMetrics(producer));
      bound.forEach(b -> b.bindTo(registry));
      clientMetrics.addAll(bound);
      var from = restore();
      itemsConsumer = items;
      var parts0 = partitions(items, Topics.ITEMS);
      items.assign(parts0);
      items.seekToBeginning(parts0);
      readItemsToEnd();
      if (vocab != null) {
        earlyCatalog.forEach(this::applyItem);
        earlyCatalog.clear();
        encodePending();
      }
      var parts = partitions(events, Topics.SEQUENCE_EVENTS);
      events.assign(parts);
      var offsets = new LinkedHashMap<String, Long>();
      for (var tp : parts) {
        Long at = restored == null ? null : restored.offsets().get(key(tp));
        if (at == null) {
          events.seekToBeginning(List.of(tp));
        } else {
          events.seek(tp, at);
          trainedOffsets.put(tp, at);
          offsets.put(key(tp), at);
        }
      }
      restored = null;
      listener.started(version, offsets, from);
      log.info("trainer started from {} (v{}), {}; consuming {} from {}", from, version,
          vocab == null ? "relations from the catalog at the first event" : vocab, Topics.SEQUENCE_EVENTS,
          offsets.isEmpty() ? "the beginning" : offsets);
      ready.countDown();
      loop(events, items, producer);
      if (steps > stepsAtCheckpoint) {
        checkpoint(producer);
      }
      clean = true;
    } catch (Throwable t) {
      failure = t;
      log.error("trainer stopped: {}", t.toString(), t);
    } finally {
      clientMetrics.forEach(KafkaClientMetrics::close);
      if (model != null) {
        model.close();
      }
      manager.close();
      ready.countDown();
      if (!clean && failure == null) {
        failure = new IllegalStateException("trainer stopped");
      }
    }
  }

  private final ArrayDeque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
  /** Events behind the trainer at the last poll: the consumer's lag plus the pending batch. */
  private long waitingEvents;
  private final Map<String, String> textsToEncode = new LinkedHashMap<>();
  private final Map<String, Item> earlyCatalog = new LinkedHashMap<>();
  private KafkaConsumer<String, byte[]> itemsConsumer;
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();

  private void loop(KafkaConsumer<String, byte[]> events, KafkaConsumer<String, byte[]> items,
      KafkaProducer<String, CheckpointMetadata> producer) {
    long firstPendingNanos = 0;
    while (!stopRequested) {
      for (var r : items.poll(Duration.ZERO)) {
        takeItem(r);
      }
      encodePending();
      long waitLeft = pending.isEmpty() ? 100 : Math.max(0,
          config.maxWait().toMillis() - (System.nanoTime() - firstPendingNanos) / 1_000_000);
      if (pending.size() < config.batchSize()) {
        var polled = events.poll(Duration.ofMillis(waitLeft));
        if (!polled.isEmpty() && pending.isEmpty()) {
          firstPendingNanos = System.nanoTime();
        }
        polled.forEach(pending::add);
        long lag = 0;
        for (var tp : events.assignment()) {
          lag += events.currentLag(tp).orElse(0);
        }
        waitingEvents = lag + pending.size();
        metrics.lag.set(waitingEvents);
      }
      if (pending.isEmpty() && config.idleReplay() && buffer.size() > 0 && !stopRequested) {
        replayStep();
      }
      boolean full = pending.size() >= config.batchSize();
      boolean waited = !pending.isEmpty()
          && System.nanoTime() - firstPendingNanos >= config.maxWait().toNanos();
      if (full || waited) {
        metrics.batchWait.record(System.nanoTime() - firstPendingNanos, TimeUnit.NANOSECONDS);
        var batch = new ArrayList<ConsumerRecord<String, byte[]>>();
        while (batch.size() < config.batchSize() && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
        firstPendingNanos = System.nanoTime();
        step(batch);
      }
      boolean due = steps - stepsAtCheckpoint >= config.checkpointEverySteps()
          || System.nanoTime() - checkpointNanos >= config.checkpointInterval().toNanos();
      if (due && steps > stepsAtCheckpoint) {
        checkpoint(producer);
      }
    }
  }

  private void step(List<ConsumerRecord<String, byte[]>> records) {
    if (vocab == null) {
      coldStart();
    }
    var decoder = RecordSerdes.sequenceEvent().deserializer();
    var ids = new ArrayList<String>(records.size());
    var fresh = new ArrayList<Example>(records.size());
    var consumedTo = new HashMap<TopicPartition, Long>();
    int n = modelConfig.historyMax();
    float timeScalar = modelConfig.timeScalar();
    for (var r : records) {
      consumedTo.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
      SequenceEvent ev;
      try {
        ev = decoder.deserialize(r.topic(), r.value());
      } catch (RuntimeException e) {
        metrics.unreadable.increment();
        log.warn("skipped an unreadable {} record at {}-{}@{}: {}", r.topic(), r.topic(), r.partition(), r.offset(), e.getMessage());
        ids.add(r.topic() + "-" + r.partition() + "@" + r.offset());
        continue;
      }
      ids.add(ev.eventId() != null ? ev.eventId() : r.topic() + "-" + r.partition() + "@" + r.offset());
      int u = vocab.user(ev.user());
      int target = vocab.item(ev.item());
      var history = ev.history();
      int from = Math.max(0, history.size() - n);
      var hist = new long[n];
      var intervals = new float[n];
      var ages = new long[n];
      for (int k = from; k < history.size(); k++) {
        var h = history.get(k);
        int row = vocab.item(h.item());
        vocab.touch(u, row);
        hist[k - from] = row;
        intervals[k - from] = ScoreBatch.interval(ev.ts() / 1000, h.ts() / 1000, timeScalar);
        ages[k - from] = ScoreBatch.age(ev.ts() / 1000, h.ts() / 1000);
      }
      vocab.touch(u, target);
      if (history.isEmpty()) {
        // as offline: the first event of a user has nothing to predict it from
        metrics.noHistory.increment();
      } else {
        fresh.add(new Example(u, target, hist, intervals, ages));
      }
    }
    ensureModel();
    // behind the stream: shed the replay (the work that can wait) until caught up
    boolean catchingUp = config.catchUpLag() > 0 && waitingEvents > config.catchUpLag();
    var replay = catchingUp ? List.<Example>of()
        : buffer.sample((int) Math.round(config.replayRatio() * fresh.size()), rng);
    if (catchingUp) {
      metrics.catchUpSteps.increment();
    }
    float[] terms = new float[JointStep.TERMS.size()];
    int trained = 0;
    long stepNanos = 0;
    if (!fresh.isEmpty() && vocab.numItems() < 2) {
      metrics.noHistory.increment(fresh.size()); // one known item: no negative to contrast with
      fresh.clear();
    }
    if (!fresh.isEmpty()) {
      var all = new ArrayList<Example>(fresh);
      all.addAll(replay);
      long t0 = System.nanoTime();
      var outcome = jointStep.run(model, adam, OnlineBatches.of(all, modelConfig, vocab, graph, rng));
      stepNanos = System.nanoTime() - t0;
      metrics.stepTime(stepNanos);
      terms = outcome.terms();
      if (outcome.problem() != null) {
        log.warn("step {}: {}{}", steps + 1, outcome.problem(), outcome.applied() ? " (the repeat was finite)" : "; skipped");
      }
      if (!outcome.applied()) {
        metrics.nonFinite.increment(fresh.size());
        if (jointStep.nonFiniteInARow() > MAX_NON_FINITE_IN_A_ROW) {
          throw new IllegalStateException(outcome.repeatProblem() + " for " + jointStep.nonFiniteInARow()
              + " steps in a row at step " + (steps + 1) + ": the model diverged; lower the learning rate");
        }
      } else {
        trained = fresh.size();
        for (var e : all) {
          vocab.markTrained(e.target());
          for (long h : e.history()) {
            vocab.markTrained((int) h);
          }
        }
        fresh.forEach(e -> buffer.add(e, rng));
        recordLoss(terms);
        metrics.newExamples.increment(trained);
        metrics.replayed.increment(replay.size());
        replayedTotal += replay.size();
      }
    }
    steps++;
    metrics.steps.increment();
    trainedOffsets.putAll(consumedTo);
    eventsConsumed += records.size();
    examplesTrained += trained;
    metrics.events.increment(records.size());
    metrics.vocabulary.set(new int[] {vocab.numUsers(), vocab.numItems()});
    listener.stepDone(new Step(steps, List.copyOf(ids), trained, trained > 0 ? replay.size() : 0, terms, stepNanos));
  }

  /**
   * A step on replayed examples only, while no new event waits: it consumes nothing (the offsets
   * do not move), so the exactly-once accounting of new examples is unchanged.
   */
  private void replayStep() {
    ensureModel();
    var replay = buffer.sample(config.batchSize(), rng);
    long t0 = System.nanoTime();
    var outcome = jointStep.run(model, adam, OnlineBatches.of(replay, modelConfig, vocab, graph, rng));
    long stepNanos = System.nanoTime() - t0;
    metrics.stepTime(stepNanos);
    if (outcome.problem() != null) {
      log.warn("replay step {}: {}{}", steps + 1, outcome.problem(), outcome.applied() ? " (the repeat was finite)" : "; skipped");
    }
    if (!outcome.applied() && jointStep.nonFiniteInARow() > MAX_NON_FINITE_IN_A_ROW) {
      throw new IllegalStateException(outcome.repeatProblem() + " for " + jointStep.nonFiniteInARow()
          + " steps in a row at step " + (steps + 1) + ": the model diverged; lower the learning rate");
    }
    if (outcome.applied()) {
      recordLoss(outcome.terms());
      metrics.replayed.increment(replay.size());
      replayedTotal += replay.size();
    }
    steps++;
    metrics.steps.increment();
    listener.stepDone(new Step(steps, List.of(), 0, outcome.applied() ? replay.size() : 0, outcome.terms(), stepNanos));
  }

  private void recordLoss(float[] terms) {
    metrics.loss(terms);
    for (int i = 0; i < terms.length; i++) {
      lossSums[i] += terms[i];
    }
    lossCount++;
  }

  /** Creates the model at the first step of a cold start, or grows it for new rows. */
  private void ensureModel() {
    if (model == null) {
      var tables = vocab.itemTables();
      model = new LrdModel(modelConfig, schema, tables, vocab.numUsers(), manager, config.seed(), coldDecayInit());
      adam = Adam.withoutAverage(modelConfig);
    } else if (vocab.tablesChanged()) {
      var grown = ModelGrowth.grow(model, adam, vocab.itemTables(), vocab.numUsers(), manager, config.seed() + steps);
      model = grown.model();
      adam = grown.adam();
    }
    if (graph == null || graphCatalogVersion != vocab.catalogVersion()) {
      graph = new KnowledgeGraph(vocab.catalog(), model.schema(), model.items(), model.config().kgSampling());
      graphCatalogVersion = vocab.catalogVersion();
    }
  }

  /**
   * KDA's decay of a cold start. Offline, the DFT initialisation is the spectrum of the observed
   * intervals per relation; a stream has observed none yet, so every relation starts from the
   * spectrum of a flat histogram — the same positive decay at every interval. (A random start would
   * leave a relation whose decay starts below 0 clamped to 0 with no gradient: dead for good.)
   */
  private float[][][] coldDecayInit() {
    if (modelConfig.backbone() != Backbone.KDA || modelConfig.freqInit() != FrequencyInit.DFT) {
      return null;
    }
    int f = modelConfig.freqDim();
    var flat = new double[2 * (f - 1)];
    java.util.Arrays.fill(flat, 1);
    var out = new float[schema.size()][][];
    for (int r = 0; r < out.length; r++) {
      out[r] = TemporalDecay.dftOf(flat, f);
    }
    return out;
  }

  // ---- checkpoints ------------------------------------------------------------------------------

  private void checkpoint(KafkaProducer<String, CheckpointMetadata> producer) {
    if (model == null) {
      return;
    }
    ensureModel();
    version++;
    var offsets = new LinkedHashMap<String, Long>();
    trainedOffsets.entrySet().stream()
        .sorted(java.util.Comparator.comparing((Map.Entry<TopicPartition, Long> e) -> e.getKey().partition()))
        .forEach(e -> offsets.put(key(e.getKey()), e.getValue()));
    var m = new LinkedHashMap<String, Double>();
    for (int i = 0; i < lossSums.length; i++) {
      m.put("loss." + JointStep.TERMS.get(i), lossCount == 0 ? Double.NaN : lossSums[i] / lossCount);
    }
    m.put("examples_trained", (double) examplesTrained);
    m.put("steps", (double) steps);
    m.values().removeIf(v -> v.isNaN());
    var extra = new LinkedHashMap<String, Object>();
    extra.put(OnlineCheckpoints.UNTRAINED_ITEMS, vocab.untrainedItems());
    extra.put(OnlineCheckpoints.ATTRIBUTE_VALUES, vocab.attributeValues());
    extra.put(OnlineCheckpoints.ENCODER, encoder.id());
    extra.put(OnlineCheckpoints.TRAINER, Map.of("steps", steps, "examples_trained", examplesTrained,
        "replayed", replayedTotal));
    extra.put("model_name", config.modelName());
    var c = ModelCheckpoint.toCheckpoint(model, adam, new ModelCheckpoint.Meta(version, vocab.users(), vocab.items(),
        offsets, m, extra));
    var stored = store.put(c);
    var meta = new CheckpointMetadata(version, c.createdAt(), stored.location(), null, stored.sha256(), offsets, m);
    try {
      producer.send(new ProducerRecord<>(Topics.MODEL_CHECKPOINTS, config.modelName(), meta)).get(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("checkpoint v" + version + " is stored at " + stored.location()
          + " but could not be announced on " + Topics.MODEL_CHECKPOINTS + ": " + e.getMessage(), e);
    }
    store.retainNewest(config.keepCheckpoints());
    stepsAtCheckpoint = steps;
    checkpointNanos = System.nanoTime();
    Arrays.fill(lossSums, 0);
    lossCount = 0;
    metrics.checkpoints.increment();
    metrics.version.set(version);
    metrics.publishedAtMillis.set(System.currentTimeMillis());
    listener.checkpointPublished(meta, model);
  }

  /**
   * Loads the newest intact checkpoint of the store (refusing corrupt ones), else the warm-start
   * checkpoint; leaves the model null for a cold start.
   *
   * @return where the state came from, for the log
   */
  private String restore() {
    for (long v : store.versions()) {
      try {
        var c = store.read(v);
        load(c);
        return "checkpoint v" + v + " of " + config.checkpointDir();
      } catch (CheckpointException e) {
        metrics.refused.increment();
        listener.checkpointRefused(v, e.getMessage());
        log.warn("refused checkpoint v{}: {}; trying an older one", v, e.getMessage());
      }
    }
    if (config.warmStart() != null) {
      if (!java.nio.file.Files.isDirectory(config.warmStart())) {
        throw new IllegalArgumentException("--warm-start " + config.warmStart() + ": no such checkpoint directory");
      }
      Checkpoint c;
      try {
        c = CheckpointFiles.read(config.warmStart());
      } catch (CheckpointException e) {
        throw new IllegalArgumentException("--warm-start " + config.warmStart() + ": " + e.getMessage(), e);
      }
      load(c);
      return "warm-start checkpoint " + config.warmStart();
    }
    modelConfig = config.model();
    buffer = new ReplayBuffer(config.replayBufferSize());
    rng = new SplittableRandom(config.seed());
    return "a cold start (" + config.model().backbone() + ", " + config.model().latentRelations() + " latent relations)";
  }

  private void load(Checkpoint c) {
    var loaded = ModelCheckpoint.fromCheckpoint(c, manager, null);
    int p = loaded.items().textDim();
    if (p > 0 && p != encoder.dimension()) {
      loaded.close();
      throw new IllegalArgumentException("checkpoint v" + c.version() + " has " + p + "-dimensional text vectors (encoder "
          + c.extra().getOrDefault(OnlineCheckpoints.ENCODER, "unknown") + "), the text encoder " + encoder.id()
          + " makes " + encoder.dimension() + ": start with the same --encoder");
    }
    model = loaded;
    modelConfig = loaded.config();
    schema = loaded.schema();
    adam = Adam.withoutAverage(modelConfig);
    ModelCheckpoint.restoreOptimizer(c, loaded.parameters(), adam);
    vocab = Vocabulary.of(c, schema, loaded.items());
    version = c.version();
    if (c.extra().get(OnlineCheckpoints.TRAINER) instanceof Map<?, ?> t) {
      steps = t.get("steps") instanceof Number s ? s.longValue() : 0;
      examplesTrained = t.get("examples_trained") instanceof Number s ? s.longValue() : 0;
      replayedTotal = t.get("replayed") instanceof Number s ? s.longValue() : 0;
    }
    stepsAtCheckpoint = steps;
    buffer = new ReplayBuffer(config.replayBufferSize());
    rng = new SplittableRandom(config.seed() * 1_000_003L + version);
    restored = c;
  }

  /**
   * A cold start's schema: the attributes and relations named by the catalog, read to its end when
   * the first batch of events is ready (not at start-up: a fresh deployment starts the trainer
   * before anything is published, and {@code lrd replay} publishes the catalog before the events).
   */
  private void coldStart() {
    readItemsToEnd();
    var catalog = new LinkedHashMap<>(earlyCatalog);
    earlyCatalog.clear();
    var attributes = new LinkedHashSet<String>();
    var relations = new LinkedHashSet<String>();
    catalog.values().forEach(i -> {
      if (i != null) {
        attributes.addAll(i.attributes().keySet());
        relations.addAll(i.relations().keySet());
      }
    });
    schema = RelationSchema.of(attributes.stream().map(a -> "share-" + a).toList(), List.copyOf(relations),
        modelConfig.lrdEnabled() ? modelConfig.latentRelations() : 0);
    vocab = Vocabulary.empty(List.copyOf(attributes), List.copyOf(relations), encoder.dimension());
    if (modelConfig.gammaKge() < 0) {
      // γ = auto is #KG rows / #interactions of a data set (ModelFactory.autoGamma), which a stream
      // does not know up front: a cold start takes 1 (1.14 on Office; name another with --model,
      // e.g. kda+lrd@gamma=2)
      modelConfig = modelConfig.toBuilder().gammaKge(1f).build();
    }
    log.info("cold start: relations {}, γ = {}", schema.names(), modelConfig.gammaKge());
    catalog.forEach(this::applyItem);
    encodePending();
  }

  /** Reads {@code items} from where it is to its current end (at start-up: the whole catalog). */
  private void readItemsToEnd() {
    var items = itemsConsumer;
    var parts = items.assignment();
    var end = items.endOffsets(parts);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (parts.stream().anyMatch(tp -> items.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline || stopRequested) {
        throw new IllegalStateException("could not read " + Topics.ITEMS + " to its end within 5 minutes");
      }
      for (var r : items.poll(Duration.ofMillis(200))) {
        takeItem(r);
      }
    }
  }

  /** A catalog record: applied, or kept until a cold start has fixed the schema. */
  private void takeItem(ConsumerRecord<String, byte[]> r) {
    if (vocab == null) {
      earlyCatalog.remove(r.key());
      earlyCatalog.put(r.key(), decodeItem(r));
    } else {
      applyItem(r.key(), decodeItem(r));
    }
  }

  private Item decodeItem(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return RecordSerdes.item().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      log.warn("skipped an unreadable {} record for item {}: {}", r.topic(), r.key(), e.getMessage());
      return null;
    }
  }

  private void applyItem(String id, Item record) {
    if (id == null) {
      return;
    }
    var text = vocab.apply(id, record);
    if (text != null) {
      textsToEncode.put(id, text);
    }
  }

  /** Computes the text vectors of new or changed items (the encoder caches them on disk). */
  private void encodePending() {
    if (textsToEncode.isEmpty()) {
      return;
    }
    var ids = new ArrayList<>(textsToEncode.keySet());
    var texts = new ArrayList<>(textsToEncode.values());
    textsToEncode.clear();
    var vectors = encoder.encode(texts);
    for (int i = 0; i < ids.size(); i++) {
      vocab.setText(ids.get(i), texts.get(i), vectors[i]);
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
    var infos = c.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist: start ingest first (or create the topics)");
    }
    return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
        .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
  }

  static String key(TopicPartition tp) {
    return tp.topic() + "-" + tp.partition();
  }

  private Properties consumerProps(String role) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // ingest writes exactly once, in transactions: never train on an aborted write
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, config.batchSize()));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "lrd-trainer-" + role);
    return p;
  }

  private Properties producerProps() {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "lrd-trainer-checkpoints");
    return p;
  }
}

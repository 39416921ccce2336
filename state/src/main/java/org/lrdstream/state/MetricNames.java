package org.lrdstream.state;

/**
 * Names of lrd-stream's own metrics. Ingest records them as Kafka Streams custom sensors (group
 * {@link #INGEST_GROUP}), so they appear in {@code KafkaStreams#metrics()} and, through Micrometer's
 * {@code KafkaStreamsMetrics} binder, on the Prometheus endpoint.
 */
public final class MetricNames {
  private MetricNames() {}

  /** Metric group of the ingest counters ({@code stream-<scope>-metrics} in Kafka Streams terms). */
  public static final String INGEST_SCOPE = "lrd-ingest";
  public static final String INGEST_GROUP = "stream-" + INGEST_SCOPE + "-metrics";

  /** Accepted interactions ({@code -total}, {@code -rate}). */
  public static final String ACCEPTED = "accepted";
  /** Rejected records, one counter per reason: {@code rejected-<reason>-total}. */
  public static final String REJECTED_PREFIX = "rejected-";
  /** Interactions dropped as a repeat of an event id already in the window. */
  public static final String DUPLICATES = "duplicates";
  /** Catalog records stored (upserts and deletes). */
  public static final String ITEMS_STORED = "items-stored";

  /** Metric group of the scorer's sensors. */
  public static final String SCORER_SCOPE = "lrd-scorer";
  public static final String SCORER_GROUP = "stream-" + SCORER_SCOPE + "-metrics";
  /** Time to score one event (candidates, forward pass, top-K), ms: avg, max, p50, p95, p99. */
  public static final String SCORING_LATENCY = "scoring-latency-ms";
  /** Wall clock at emission minus the record timestamp (the event time), ms. */
  public static final String END_TO_END_LATENCY = "end-to-end-latency-ms";
  /** Events scored together in one forward pass: avg, max, total. */
  public static final String BATCH_SIZE = "batch-size";
  /** Candidates scored by the full model per event: avg, max, total. */
  public static final String CANDIDATES = "candidates";
  /** Recommendation lists emitted. */
  public static final String RECOMMENDATIONS = "recommendations";
  /** Recommended items whose reason names a relation, tag {@code relation}. */
  public static final String REASONS = "reasons";
  /** Events that found no model to score with (no checkpoint loaded yet). */
  public static final String NO_MODEL = "events-without-model";
  /** Prequential hit of the next item in the previous top-10 (avg = HR@10, sum = hits). */
  public static final String ONLINE_HIT10 = "online-hit10";
  /** Prequential NDCG@10 of the next item in the previous list. */
  public static final String ONLINE_NDCG10 = "online-ndcg10";
  /** Checkpoints loaded and swapped in. */
  public static final String CHECKPOINTS_LOADED = "checkpoints-loaded";
  /** Checkpoints refused (corrupt, unreadable, checksum mismatch); the current model stays. */
  public static final String CHECKPOINTS_REFUSED = "checkpoints-refused";
  /** Version of the model now serving. */
  public static final String MODEL_VERSION = "model-version";

  // ---- the online trainer (Micrometer meters; Prometheus shows dots as underscores) -----------

  /** Training examples, counter, tag {@code kind}: {@code new} (from the stream) or {@code replay}. */
  public static final String TRAINER_EXAMPLES = "lrd.trainer.examples";
  /** Sequence events consumed (trained or not), counter. */
  public static final String TRAINER_EVENTS = "lrd.trainer.events";
  /** Events consumed but not trained, counter, tag {@code reason}: {@code no-history}, {@code unreadable}, {@code non-finite}. */
  public static final String TRAINER_EVENTS_SKIPPED = "lrd.trainer.events.skipped";
  /** Optimisation steps, counter. */
  public static final String TRAINER_STEPS = "lrd.trainer.steps";
  /** Time of one step (forward, backward, update), timer. */
  public static final String TRAINER_STEP_TIME = "lrd.trainer.step.time";
  /** Time a step waited for its batch, timer. */
  public static final String TRAINER_BATCH_WAIT = "lrd.trainer.batch.wait";
  /** The last step's loss terms, gauge, tag {@code term}: total, rec, kge, lrd, entropy. */
  public static final String TRAINER_LOSS = "lrd.trainer.loss";
  /** Version of the last published checkpoint, gauge. */
  public static final String TRAINER_CHECKPOINT_VERSION = "lrd.trainer.checkpoint.version";
  /** Seconds since the last checkpoint was published, gauge. */
  public static final String TRAINER_CHECKPOINT_AGE = "lrd.trainer.checkpoint.age.seconds";
  /** Checkpoints published, counter. */
  public static final String TRAINER_CHECKPOINTS = "lrd.trainer.checkpoints";
  /** Checkpoints refused at start-up (corrupt or partial), counter. */
  public static final String TRAINER_CHECKPOINTS_REFUSED = "lrd.trainer.checkpoints.refused";
  /** Records of {@code sequence-events} not yet consumed, gauge. */
  public static final String TRAINER_LAG = "lrd.trainer.lag";
  /** Rows of the vocabulary, gauge, tag {@code table}: users, items. */
  public static final String TRAINER_VOCABULARY = "lrd.trainer.vocabulary";
}

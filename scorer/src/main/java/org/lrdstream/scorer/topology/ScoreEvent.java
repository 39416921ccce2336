package org.lrdstream.scorer.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.serving.ModelHolder;
import org.lrdstream.scorer.serving.ServingModel;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Recommendation;
import org.lrdstream.state.records.SequenceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores sequence events: first the prequential check of each event against the list the user got
 * after their previous event (online HR@10 and NDCG@10), then the new top-K after the event with
 * the model that serves at this moment, kept as the user's last list and emitted.
 *
 * <p>Events are scored in batches of up to {@link ScorerConfig#batch()} in one forward pass: an
 * event waits in {@link Stores#SCORE_BUFFER} (changelogged, so it is part of the same exactly-once
 * commit as the input offset it came from) until the batch is full or its oldest event has waited
 * {@link ScorerConfig#batchWait()}; a wall-clock punctuation flushes a batch the input stops
 * filling. A batch is scored with one model version (a new checkpoint serves from the next batch),
 * and its events are checked and emitted in arrival order, so a user's second event in a batch is
 * checked against the list of their first.
 */
final class ScoreEvent implements Processor<String, SequenceEvent, String, Recommendation> {
  private static final Logger log = LoggerFactory.getLogger(ScoreEvent.class);
  private static final int ONLINE_K = 10;

  private final ScorerConfig config;
  private final ModelHolder holder;
  private ProcessorContext<String, Recommendation> context;
  private KeyValueStore<String, Recommendation> lastLists;
  private KeyValueStore<Long, Record<String, SequenceEvent>> buffer;
  private final List<Waiting> waiting = new ArrayList<>();
  private long nextSeq;
  private Sensor scoringLatency;
  private Sensor endToEnd;
  private Sensor candidates;
  private Sensor batchSize;
  private Sensor recommendations;
  private Sensor noModel;
  private Sensor hit;
  private Sensor ndcg;
  private final Map<String, Sensor> reasons = new HashMap<>();
  private long reasonsVersion = Long.MIN_VALUE;
  private boolean warnedNoModel;

  /** An event in the batch buffer: its key there, the record, and when it arrived (wall clock). */
  private record Waiting(long seq, Record<String, SequenceEvent> record, long arrivedMs) {}

  ScoreEvent(ScorerConfig config, ModelHolder holder) {
    this(config, holder, c -> System.currentTimeMillis());
  }

  /**
   * @param clock the wall clock (ms). The real one in production: the context's
   *     {@code currentSystemTimeMs()} is cached by the stream thread between its loop iterations, so
   *     after a long forward pass it lags, and an event that arrived after the pass would seem to
   *     have waited during it; with a backlog every batch then flushed part-full. Tests pass the
   *     context's (the test driver's mock) clock.
   */
  ScoreEvent(ScorerConfig config, ModelHolder holder, java.util.function.ToLongFunction<ProcessorContext<?, ?>> clock) {
    this.config = config;
    this.holder = holder;
    this.clock = clock;
  }

  private final java.util.function.ToLongFunction<ProcessorContext<?, ?>> clock;

  private long now() {
    return clock.applyAsLong(context);
  }

  @Override
  public void init(ProcessorContext<String, Recommendation> context) {
    this.context = context;
    this.lastLists = context.getStateStore(Stores.LAST_RECOMMENDATIONS);
    var m = context.metrics();
    scoringLatency = ScorerSensors.latency(m, MetricNames.SCORING_LATENCY, "time to score one event (ms)");
    endToEnd = ScorerSensors.latency(m, MetricNames.END_TO_END_LATENCY, "event time to recommendation (ms)");
    candidates = ScorerSensors.quantity(m, MetricNames.CANDIDATES, "candidates scored by the full model");
    batchSize = ScorerSensors.quantity(m, MetricNames.BATCH_SIZE, "events scored in one forward pass");
    recommendations = ScorerSensors.counter(m, MetricNames.RECOMMENDATIONS, "recommendation lists emitted", Map.of());
    noModel = ScorerSensors.counter(m, MetricNames.NO_MODEL, "events dropped before any checkpoint was loaded", Map.of());
    hit = ScorerSensors.outcome(m, MetricNames.ONLINE_HIT10, "online HR@10 (next item in the previous top-10)");
    ndcg = ScorerSensors.outcome(m, MetricNames.ONLINE_NDCG10, "online NDCG@10 of the next item");
    if (config.batch() > 1) {
      this.buffer = context.getStateStore(Stores.SCORE_BUFFER);
      long now = now();
      try (var it = buffer.all()) {
        while (it.hasNext()) {
          var kv = it.next();
          waiting.add(new Waiting(kv.key, kv.value, now)); // left by a crash or a rebalance
          nextSeq = Math.max(nextSeq, kv.key + 1);
        }
      }
      waiting.sort(java.util.Comparator.comparingLong(Waiting::seq));
      if (!waiting.isEmpty()) {
        log.info("{} events restored from the batch buffer are scored first", waiting.size());
      }
      long every = Math.max(1, config.batchWait().toMillis() / 2);
      context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, t -> flushIfDue(now()));
    }
  }

  @Override
  public void process(Record<String, SequenceEvent> record) {
    if (record.value() == null) {
      return;
    }
    if (config.batch() == 1) {
      score(List.of(record));
      return;
    }
    long seq = nextSeq++;
    buffer.put(seq, record);
    waiting.add(new Waiting(seq, record, now()));
    if (waiting.size() >= config.batch()) {
      flush();
    } else {
      flushIfDue(now());
    }
  }

  private void flushIfDue(long now) {
    if (!waiting.isEmpty() && now - waiting.get(0).arrivedMs() >= config.batchWait().toMillis()) {
      flush();
    }
  }

  /** Scores every waiting event (in batches of at most {@code batch}) and empties the buffer. */
  private void flush() {
    while (!waiting.isEmpty()) {
      int k = Math.min(config.batch(), waiting.size());
      var batch = new ArrayList<>(waiting.subList(0, k));
      score(batch.stream().map(Waiting::record).toList());
      for (var w : batch) {
        buffer.delete(w.seq());
      }
      waiting.subList(0, k).clear();
    }
  }

  private void score(List<Record<String, SequenceEvent>> records) {
    long t0 = System.nanoTime();
    var requests = new ArrayList<ServingModel.Request>(records.size());
    for (var record : records) {
      var event = record.value();
      var history = new ArrayList<HistoryEntry>(event.history().size() + 1);
      history.addAll(event.history());
      history.add(new HistoryEntry(event.item(), event.ts()));
      requests.add(new ServingModel.Request(event.user(), history, event.ts()));
    }
    var scored = holder.withModel(model -> model == null ? null
        : new Scored(model.version(), model.relationNames(), model.recommendAll(requests, config.candidates(),
            config.topK(), config.excludeSeen(), config.neighbourHistory())));
    if (scored == null) {
      for (int k = 0; k < records.size(); k++) {
        noModel.record();
      }
      if (!warnedNoModel) {
        warnedNoModel = true;
        log.warn("no checkpoint loaded yet: events are not scored until one is published on model-checkpoints"
            + " or given with --checkpoint");
      }
      return;
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (scored.version() != reasonsVersion) {
      // every relation of the serving model has its counter from the first batch it scores, at 0
      // until a reason names it: a dashboard's rate() has a series before the first such reason
      reasonsVersion = scored.version();
      scored.relations().forEach(this::reasonCounter);
    }
    batchSize.record(records.size());
    long now = now();
    for (int k = 0; k < records.size(); k++) {
      var record = records.get(k);
      var event = record.value();
      var user = event.user();
      var previous = lastLists.get(user);
      if (previous != null) {
        int rank = rankOf(previous, event.item());
        hit.record(rank < ONLINE_K ? 1 : 0);
        ndcg.record(rank < ONLINE_K ? 1 / (Math.log(rank + 2) / Math.log(2)) : 0);
      }
      var result = scored.results().get(k);
      scoringLatency.record(ms);
      candidates.record(result.candidates());
      var afterEvent = event.eventId() != null ? event.eventId() : user + "@" + event.ts();
      var rec = new Recommendation(user, afterEvent, scored.version(), now, result.items());
      lastLists.put(user, rec);
      for (var item : rec.items()) {
        var relation = item.reason().relation();
        if (relation != null) {
          reasonCounter(relation).record();
        }
      }
      recommendations.record();
      context.forward(record.withKey(user).withValue(rec).withTimestamp(record.timestamp()));
      endToEnd.record(now() - record.timestamp());
    }
  }

  private Sensor reasonCounter(String relation) {
    return reasons.computeIfAbsent(relation, r -> ScorerSensors.counter(context.metrics(), MetricNames.REASONS,
        "recommended items explained by a relation", Map.of("relation", r)));
  }

  private record Scored(long version, List<String> relations, List<ServingModel.Result> results) {}

  /** 0-based position of {@code item} in a list, or the list's size when absent. */
  static int rankOf(Recommendation list, String item) {
    var items = list.items();
    for (int k = 0; k < items.size(); k++) {
      if (items.get(k).item().equals(item)) {
        return k;
      }
    }
    return items.size() + ONLINE_K;
  }
}

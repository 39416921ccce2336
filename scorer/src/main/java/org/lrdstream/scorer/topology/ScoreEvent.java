package org.lrdstream.scorer.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
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
 * Scores one sequence event: first the prequential check of the event against the list the user
 * got after their previous event (online HR@10 and NDCG@10), then the new top-K after this event
 * with the model that serves at this moment, kept as the user's last list and emitted.
 */
final class ScoreEvent implements Processor<String, SequenceEvent, String, Recommendation> {
  private static final Logger log = LoggerFactory.getLogger(ScoreEvent.class);
  private static final int ONLINE_K = 10;

  private final ScorerConfig config;
  private final ModelHolder holder;
  private ProcessorContext<String, Recommendation> context;
  private KeyValueStore<String, Recommendation> lastLists;
  private Sensor scoringLatency;
  private Sensor endToEnd;
  private Sensor candidates;
  private Sensor recommendations;
  private Sensor noModel;
  private Sensor hit;
  private Sensor ndcg;
  private final Map<String, Sensor> reasons = new HashMap<>();
  private boolean warnedNoModel;

  ScoreEvent(ScorerConfig config, ModelHolder holder) {
    this.config = config;
    this.holder = holder;
  }

  @Override
  public void init(ProcessorContext<String, Recommendation> context) {
    this.context = context;
    this.lastLists = context.getStateStore(Stores.LAST_RECOMMENDATIONS);
    var m = context.metrics();
    scoringLatency = ScorerSensors.latency(m, MetricNames.SCORING_LATENCY, "time to score one event (ms)");
    endToEnd = ScorerSensors.latency(m, MetricNames.END_TO_END_LATENCY, "event time to recommendation (ms)");
    candidates = ScorerSensors.quantity(m, MetricNames.CANDIDATES, "candidates scored by the full model");
    recommendations = ScorerSensors.counter(m, MetricNames.RECOMMENDATIONS, "recommendation lists emitted", Map.of());
    noModel = ScorerSensors.counter(m, MetricNames.NO_MODEL, "events dropped before any checkpoint was loaded", Map.of());
    hit = ScorerSensors.outcome(m, MetricNames.ONLINE_HIT10, "online HR@10 (next item in the previous top-10)");
    ndcg = ScorerSensors.outcome(m, MetricNames.ONLINE_NDCG10, "online NDCG@10 of the next item");
  }

  @Override
  public void process(Record<String, SequenceEvent> record) {
    var event = record.value();
    if (event == null) {
      return;
    }
    var user = event.user();
    var previous = lastLists.get(user);
    if (previous != null) {
      int rank = rankOf(previous, event.item());
      hit.record(rank < ONLINE_K ? 1 : 0);
      ndcg.record(rank < ONLINE_K ? 1 / (Math.log(rank + 2) / Math.log(2)) : 0);
    }
    long t0 = System.nanoTime();
    var history = new ArrayList<HistoryEntry>(event.history().size() + 1);
    history.addAll(event.history());
    history.add(new HistoryEntry(event.item(), event.ts()));
    var scored = holder.withModel(model -> model == null ? null
        : new Scored(model.version(), model.recommend(user, history, event.ts(), config.candidates(),
            config.topK(), config.excludeSeen(), config.neighbourHistory())));
    if (scored == null) {
      noModel.record();
      if (!warnedNoModel) {
        warnedNoModel = true;
        log.warn("no checkpoint loaded yet: events are not scored until one is published on model-checkpoints"
            + " or given with --checkpoint");
      }
      return;
    }
    scoringLatency.record((System.nanoTime() - t0) / 1e6);
    candidates.record(scored.result().candidates());
    long now = context.currentSystemTimeMs();
    var afterEvent = event.eventId() != null ? event.eventId() : user + "@" + event.ts();
    var rec = new Recommendation(user, afterEvent, scored.version(), now, scored.result().items());
    lastLists.put(user, rec);
    for (var item : rec.items()) {
      var relation = item.reason().relation();
      if (relation != null) {
        reasons.computeIfAbsent(relation, r -> ScorerSensors.counter(context.metrics(), MetricNames.REASONS,
            "recommended items explained by a relation", Map.of("relation", r))).record();
      }
    }
    recommendations.record();
    context.forward(record.withKey(user).withValue(rec).withTimestamp(record.timestamp()));
    endToEnd.record(context.currentSystemTimeMs() - record.timestamp());
  }

  private record Scored(long version, ServingModel.Result result) {}

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

package org.lrdstream.ingest.topology;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.RejectReason;
import org.lrdstream.state.records.SequenceEvent;

/**
 * Puts each accepted interaction into its user's history, in event-time order, and emits the
 * sequence event: the interaction with the history before it. An event later than the grace period
 * behind the user's newest one is rejected as {@code late}: inserting it would rewrite a history
 * the trainer and scorer have already consumed.
 */
final class AppendToHistory implements Processor<String, IngestOutcome, String, IngestOutcome> {
  private final int historyLength;
  private final long graceMs;
  private ProcessorContext<String, IngestOutcome> context;
  private KeyValueStore<String, UserHistory> histories;
  private Sensor acceptedCount;

  AppendToHistory(int historyLength, Duration grace) {
    this.historyLength = historyLength;
    this.graceMs = grace.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, IngestOutcome> context) {
    this.context = context;
    this.histories = context.getStateStore(Stores.USER_SEQUENCES);
    this.acceptedCount = IngestSensors.counter(context, MetricNames.ACCEPTED);
  }

  @Override
  public void process(Record<String, IngestOutcome> record) {
    if (!(record.value() instanceof IngestOutcome.Accepted accepted)) {
      context.forward(record);
      return;
    }
    var in = accepted.interaction();
    var history = histories.get(in.user());
    if (history == null) {
      history = UserHistory.EMPTY;
    }
    long latest = history.latestTs();
    if (!history.entries().isEmpty() && in.ts() < latest - graceMs) {
      context.forward(record.withValue(new IngestOutcome.Rejected(
          RejectReason.LATE,
          "ts " + Instant.ofEpochMilli(in.ts()) + " is " + Duration.ofMillis(latest - in.ts())
              + " older than user " + in.user() + "'s latest event at " + Instant.ofEpochMilli(latest)
              + "; the grace period is " + Duration.ofMillis(graceMs) + " (ingest.grace)",
          accepted.rawKey(), accepted.rawValue(), accepted.source())));
      return;
    }
    int at = history.insertionPoint(in.ts());
    var event = new SequenceEvent(in.user(), in.item(), in.ts(), in.type(), in.eventId(),
        history.entries().subList(0, at));
    histories.put(in.user(), history.insert(at, new HistoryEntry(in.item(), in.ts()), historyLength));
    acceptedCount.record();
    context.forward(record.withValue(new IngestOutcome.Sequenced(event)));
  }
}

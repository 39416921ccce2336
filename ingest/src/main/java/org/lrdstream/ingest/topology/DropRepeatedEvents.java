package org.lrdstream.ingest.topology;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;

/**
 * Lets an interaction through only the first time its {@code event_id} is seen within the window,
 * so a retried or replayed publish cannot enter a history twice. Interactions without an event id
 * always pass: nothing identifies their repeats.
 *
 * <p>The window runs on processing (wall-clock) time, the clock of retries and re-publishes, not
 * on event time: a window store expires old ids by dropping whole time segments, and keyed by event
 * time a replay of years of history in minutes would open and drop thousands of RocksDB segments
 * (measured: ingest stalled on Office). The changelog makes the memory survive a crash.
 */
final class DropRepeatedEvents
    implements Processor<String, IngestOutcome, String, IngestOutcome> {
  private final long windowMs;
  private ProcessorContext<String, IngestOutcome> context;
  private WindowStore<String, Long> seen;
  private Sensor duplicates;

  DropRepeatedEvents(long windowMs) {
    this.windowMs = windowMs;
  }

  @Override
  public void init(ProcessorContext<String, IngestOutcome> context) {
    this.context = context;
    this.seen = context.getStateStore(Stores.SEEN_EVENT_IDS);
    this.duplicates = IngestSensors.counter(context, MetricNames.DUPLICATES);
  }

  @Override
  public void process(Record<String, IngestOutcome> record) {
    if (!(record.value() instanceof IngestOutcome.Accepted accepted)) {
      context.forward(record);
      return;
    }
    var id = accepted.interaction().eventId();
    if (id == null) {
      context.forward(record);
      return;
    }
    long now = context.currentSystemTimeMs();
    // the long-based fetch: the Instant one formats a validation message on every call (measured:
    // about 5 % of the stream thread's time went to String.format and date formatting)
    try (var it = seen.fetch(id, Math.max(0, now - windowMs), now)) {
      if (it.hasNext()) {
        duplicates.record();
        return;
      }
    }
    seen.put(id, accepted.interaction().ts(), now);
    context.forward(record);
  }
}

package org.lrdstream.ingest.topology;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/** Where the record being processed was read from. */
final class Sources {
  private Sources() {}

  static IngestOutcome.Source of(ProcessorContext<?, ?> context) {
    return context
        .recordMetadata()
        .map(m -> new IngestOutcome.Source(m.topic(), m.partition(), m.offset()))
        // punctuations have no input record; ingest forwards nothing from them
        .orElse(new IngestOutcome.Source("unknown", -1, -1L));
  }
}

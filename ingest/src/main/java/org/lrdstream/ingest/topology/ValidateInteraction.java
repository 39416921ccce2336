package org.lrdstream.ingest.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.state.records.InteractionCodec;
import org.lrdstream.state.records.RecordRejectedException;
import org.lrdstream.state.records.RejectReason;

/**
 * The edge: turns the raw bytes of {@code interactions} into an {@link IngestOutcome.Accepted}
 * keyed by user, or a {@link IngestOutcome.Rejected} with the reason. It never throws for bad
 * input, so no record can stop the topology.
 */
final class ValidateInteraction implements Processor<byte[], byte[], String, IngestOutcome> {
  private final int maxRecordBytes;
  private final long maxFutureSkewMs;
  private ProcessorContext<String, IngestOutcome> context;

  ValidateInteraction(IngestConfig config) {
    this.maxRecordBytes = config.maxRecordBytes();
    this.maxFutureSkewMs = config.maxFutureSkew().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, IngestOutcome> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    var source = Sources.of(context);
    var key = record.key();
    var value = record.value();
    int size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    if (size > maxRecordBytes) {
      reject(record, RejectReason.OVERSIZED,
          "record is " + size + " bytes; the limit is " + maxRecordBytes + " (ingest.max-record-bytes)",
          source);
      return;
    }
    try {
      var interaction = InteractionCodec.decode(value);
      long now = context.currentSystemTimeMs();
      if (interaction.ts() > now + maxFutureSkewMs) {
        throw new RecordRejectedException(RejectReason.FUTURE_TIMESTAMP,
            "ts " + java.time.Instant.ofEpochMilli(interaction.ts()) + " is "
                + (interaction.ts() - now) / 1000 + " s in the future; the allowed clock skew is "
                + maxFutureSkewMs / 1000 + " s (ingest.max-future-skew)");
      }
      var accepted = new IngestOutcome.Accepted(interaction, key, value, source);
      context.forward(record.withKey(interaction.user()).withValue(accepted)
          .withTimestamp(interaction.ts()));
    } catch (RecordRejectedException e) {
      reject(record, e.reason(), e.getMessage(), source);
    }
  }

  private void reject(Record<byte[], byte[]> record, RejectReason reason, String error,
      IngestOutcome.Source source) {
    var key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    context.forward(record.withKey(key)
        .withValue(new IngestOutcome.Rejected(reason, error, record.key(), record.value(), source)));
  }
}

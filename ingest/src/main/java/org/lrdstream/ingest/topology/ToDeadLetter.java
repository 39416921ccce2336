package org.lrdstream.ingest.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Topics.DlqHeaders;
import org.lrdstream.state.records.RejectReason;

/**
 * Writes a rejected record to the DLQ exactly as it arrived (key and value bytes, original
 * headers), adding the reason, the error and the source coordinates as headers, and counts it
 * under its reason.
 */
final class ToDeadLetter implements Processor<String, IngestOutcome, byte[], byte[]> {
  private ProcessorContext<byte[], byte[]> context;
  private final Map<RejectReason, Sensor> rejected = new HashMap<>();

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, IngestOutcome> record) {
    if (!(record.value() instanceof IngestOutcome.Rejected r)) {
      throw new IllegalStateException("only rejected records reach the DLQ, got " + record.value());
    }
    var headers = new RecordHeaders(record.headers().toArray());
    headers.add(DlqHeaders.REASON, r.reason().wireName().getBytes(UTF_8));
    headers.add(DlqHeaders.ERROR, r.error().getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_TOPIC, r.source().topic().getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_PARTITION, Integer.toString(r.source().partition()).getBytes(UTF_8));
    headers.add(DlqHeaders.SOURCE_OFFSET, Long.toString(r.source().offset()).getBytes(UTF_8));
    rejected
        .computeIfAbsent(r.reason(), reason -> IngestSensors.counter(
            context, MetricNames.REJECTED_PREFIX + reason.wireName()))
        .record();
    context.forward(new Record<>(r.rawKey(), r.rawValue(), record.timestamp(), headers));
  }
}

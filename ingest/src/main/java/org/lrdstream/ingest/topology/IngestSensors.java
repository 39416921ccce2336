package org.lrdstream.ingest.topology;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.lrdstream.state.MetricNames;

/**
 * Ingest's counters as Kafka Streams sensors: they are reported with the client's own metrics
 * ({@code <name>-total} and {@code <name>-rate} in group {@link MetricNames#INGEST_GROUP}), so one
 * Micrometer binder exports everything. A sensor is per stream thread; asking again for the same
 * name in the same thread returns the same sensor.
 */
final class IngestSensors {
  private IngestSensors() {}

  static Sensor counter(ProcessorContext<?, ?> context, String name) {
    return context
        .metrics()
        .addRateTotalSensor(
            MetricNames.INGEST_SCOPE, "ingest", name, Sensor.RecordingLevel.INFO);
  }
}

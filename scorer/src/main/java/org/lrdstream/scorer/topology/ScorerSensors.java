package org.lrdstream.scorer.topology;

import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Percentile;
import org.apache.kafka.common.metrics.stats.Percentiles;
import org.apache.kafka.common.metrics.stats.Percentiles.BucketSizing;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.StreamsMetrics;
import org.lrdstream.state.MetricNames;

/**
 * The scorer's metrics as Kafka Streams sensors in group {@link MetricNames#SCORER_GROUP}, like
 * ingest's: they are reported with the client's own metrics, so one Micrometer binder ({@code
 * KafkaStreamsMetrics}) exports everything to Prometheus. Sensors are shared by the stream threads
 * (a Kafka sensor is thread-safe); the stats are attached once.
 */
final class ScorerSensors {
  private ScorerSensors() {}

  private static MetricName name(String name, String description, Map<String, String> tags) {
    return new MetricName(name, MetricNames.SCORER_GROUP, description, tags);
  }

  private static Sensor sensor(StreamsMetrics metrics, String name) {
    return metrics.addSensor(MetricNames.SCORER_SCOPE + "." + name, Sensor.RecordingLevel.INFO);
  }

  /** A latency in ms: avg, max, p50, p95, p99 (histogram of 0.25 ms buckets up to 2 s). */
  static Sensor latency(StreamsMetrics metrics, String name, String what) {
    var s = sensor(metrics, name);
    synchronized (s) {
      if (!s.hasMetrics()) {
        var tags = Map.<String, String>of();
        s.add(name(name + "-avg", "average " + what, tags), new Avg());
        s.add(name(name + "-max", "maximum " + what, tags), new Max());
        s.add(new Percentiles(32_000, 0, 2_000, BucketSizing.LINEAR,
            new Percentile(name(name + "-p50", "median " + what, tags), 50),
            new Percentile(name(name + "-p95", "95th percentile " + what, tags), 95),
            new Percentile(name(name + "-p99", "99th percentile " + what, tags), 99)));
      }
    }
    return s;
  }

  /** A per-event quantity: avg, max and the running total. */
  static Sensor quantity(StreamsMetrics metrics, String name, String what) {
    var s = sensor(metrics, name);
    synchronized (s) {
      if (!s.hasMetrics()) {
        var tags = Map.<String, String>of();
        s.add(name(name + "-avg", "average " + what + " per event", tags), new Avg());
        s.add(name(name + "-max", "maximum " + what + " per event", tags), new Max());
        s.add(name(name + "-total", "total " + what, tags), new CumulativeSum());
      }
    }
    return s;
  }

  /** A count of occurrences ({@code -total}), optionally tagged. */
  static Sensor counter(StreamsMetrics metrics, String name, String what, Map<String, String> tags) {
    var sensorName = tags.isEmpty() ? name : name + "." + String.join(".", tags.values());
    var s = sensor(metrics, sensorName);
    synchronized (s) {
      if (!s.hasMetrics()) {
        s.add(name(name + "-total", what, tags), new CumulativeCount());
      }
    }
    return s;
  }

  /**
   * A 0/1 or [0, 1] outcome per evaluated event: {@code -avg} over the recent window (the live
   * rate), {@code -sum} and {@code -count} since the start (the run's mean is sum / count).
   */
  static Sensor outcome(StreamsMetrics metrics, String name, String what) {
    var s = sensor(metrics, name);
    synchronized (s) {
      if (!s.hasMetrics()) {
        var tags = Map.<String, String>of();
        s.add(name(name + "-avg", what + ", recent window", tags), new Avg());
        s.add(name(name + "-sum", what + ", summed since start", tags), new CumulativeSum());
        s.add(name(name + "-count", "events evaluated for " + what, tags), new CumulativeCount());
      }
    }
    return s;
  }

  /** The latest value recorded. */
  static Sensor gauge(StreamsMetrics metrics, String name, String what) {
    var s = sensor(metrics, name);
    synchronized (s) {
      if (!s.hasMetrics()) {
        s.add(name(name, what, Map.of()), new Value());
      }
    }
    return s;
  }
}

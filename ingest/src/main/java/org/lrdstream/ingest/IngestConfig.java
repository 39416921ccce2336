package org.lrdstream.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the ingest role can be told, with its defaults (documented in the README). Immutable;
 * {@link #from(Map)} reads it from properties or environment variables, CLI flags override with the
 * {@code with*} methods.
 *
 * @param historyLength items kept per user (N), and so the longest history in a sequence event
 * @param grace how far behind a user's latest event an event may arrive and still be inserted in
 *     place; anything older goes to the DLQ as {@code late}
 * @param dedupWindow a repeated {@code event_id} within this much processing (wall-clock) time
 *     after its first arrival is ignored
 * @param maxFutureSkew how far past the wall clock an event time may lie
 * @param maxRecordBytes larger records go to the DLQ as {@code oversized}
 * @param sessionTimeout how soon a dead instance's partitions move to a live one
 * @param linger how long the producer of sequence events waits to fill a batch (Kafka's
 *     {@code linger.ms}): 0 sends at once, for the lowest latency at-least-once
 */
public record IngestConfig(
    String applicationId,
    String bootstrapServers,
    Path stateDir,
    int historyLength,
    Duration grace,
    Duration dedupWindow,
    Duration maxFutureSkew,
    int maxRecordBytes,
    boolean exactlyOnce,
    int threads,
    Duration commitInterval,
    Duration sessionTimeout,
    Duration linger) {

  public IngestConfig {
    if (historyLength < 1) {
      throw new IllegalArgumentException("history length must be at least 1, got " + historyLength);
    }
    if (grace.isNegative() || dedupWindow.isNegative() || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("grace, dedup window and future skew must be >= 0");
    }
    if (maxRecordBytes < 64) {
      throw new IllegalArgumentException("max record bytes must be at least 64, got " + maxRecordBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must be >= 0, got " + linger);
    }
  }

  public static IngestConfig defaults() {
    return new IngestConfig(
        "lrd-ingest",
        "localhost:9092",
        Path.of(System.getProperty("java.io.tmpdir"), "lrd-state"),
        20,
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        64 * 1024,
        true,
        1,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        Duration.ofMillis(5));
  }

  /**
   * Reads keys {@code ingest.<name>} (properties file) or {@code LRD_INGEST_<NAME>} (environment),
   * names as in the README ({@code history-length}, {@code grace}...); durations in ISO-8601
   * ({@code PT1H}) or as milliseconds. Absent keys keep the defaults.
   */
  public static IngestConfig from(Map<String, String> source) {
    Function<String, String> get =
        name -> {
          var v = source.get("ingest." + name);
          if (v == null) {
            v = source.get("LRD_INGEST_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
          }
          return v;
        };
    var d = defaults();
    return new IngestConfig(
        str(get, "application-id", d.applicationId),
        str(get, "bootstrap-servers", d.bootstrapServers),
        Path.of(str(get, "state-dir", d.stateDir.toString())),
        integer(get, "history-length", d.historyLength),
        duration(get, "grace", d.grace),
        duration(get, "dedup-window", d.dedupWindow),
        duration(get, "max-future-skew", d.maxFutureSkew),
        integer(get, "max-record-bytes", d.maxRecordBytes),
        Boolean.parseBoolean(str(get, "exactly-once", Boolean.toString(d.exactlyOnce))),
        integer(get, "threads", d.threads),
        duration(get, "commit-interval", d.commitInterval),
        duration(get, "session-timeout", d.sessionTimeout),
        duration(get, "linger", d.linger));
  }

  public IngestConfig withBootstrapServers(String servers) {
    return new IngestConfig(applicationId, servers, stateDir, historyLength, grace, dedupWindow,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withStateDir(Path dir) {
    return new IngestConfig(applicationId, bootstrapServers, dir, historyLength, grace, dedupWindow,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withHistoryLength(int n) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, n, grace, dedupWindow,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withGrace(Duration g) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, g, dedupWindow,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withDedupWindow(Duration w) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace, w,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withMaxFutureSkew(Duration s) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, s, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withMaxRecordBytes(int bytes) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, bytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withExactlyOnce(boolean eos) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, maxRecordBytes, eos, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withThreads(int n) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, maxRecordBytes, exactlyOnce, n, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withApplicationId(String id) {
    return new IngestConfig(id, bootstrapServers, stateDir, historyLength, grace, dedupWindow,
        maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, linger);
  }

  public IngestConfig withCommitInterval(Duration c) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, maxRecordBytes, exactlyOnce, threads, c, sessionTimeout, linger);
  }

  public IngestConfig withSessionTimeout(Duration s) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, s, linger);
  }

  public IngestConfig withLinger(Duration l) {
    return new IngestConfig(applicationId, bootstrapServers, stateDir, historyLength, grace,
        dedupWindow, maxFutureSkew, maxRecordBytes, exactlyOnce, threads, commitInterval, sessionTimeout, l);
  }

  /** The Kafka Streams configuration of this role. */
  public Properties streamsProperties() {
    var p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    // exactly_once_v2: the history update, the sequence event, the DLQ record and the input offset
    // commit of one event are one transaction, so a crash can neither lose nor double an event.
    p.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) sessionTimeout.toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
        (int) Math.max(500, sessionTimeout.toMillis() / 3));
    // the topology has no global state; opting in now silences a Kafka 5.0 migration warning
    p.put("processing.exception.handler.global.enabled", true);
    // A task reads interactions, their repartition topic and items. Items may come before or after
    // their interactions, and an event keyed by something else than its user reaches its user's
    // history after a detour through the repartition topic anyway (ordered there by the grace
    // rule): so a task never idles waiting for an empty input. The default idling check cost a lag
    // lookup and a formatted log message per record while items and the repartition topic are idle.
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), (int) linger.toMillis());
    // sequence events are ~1 KB of repetitive JSON (the history): lz4 shrinks them several-fold
    // (CPU with and without it was within the noise of the shared benchmark machine)
    p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    return p;
  }

  private static String str(Function<String, String> get, String name, String dflt) {
    var v = get.apply(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  private static int integer(Function<String, String> get, String name, int dflt) {
    var v = get.apply(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ingest." + name + " must be an integer, got '" + v + "'");
    }
  }

  private static Duration duration(Function<String, String> get, String name, Duration dflt) {
    var v = get.apply(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return parseDuration(v.trim(), "ingest." + name);
  }

  /** ISO-8601 ({@code PT1H}, {@code P1D}) or milliseconds. */
  public static Duration parseDuration(String v, String what) {
    try {
      return v.chars().allMatch(Character::isDigit)
          ? Duration.ofMillis(Long.parseLong(v))
          : Duration.parse(v.toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          what + " must be an ISO-8601 duration like PT1H or milliseconds, got '" + v + "'");
    }
  }
}

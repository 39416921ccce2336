package org.lrdstream.ingest;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.lrdstream.ingest.topology.IngestTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest role: the {@link IngestTopology} running on Kafka Streams. Bad input never reaches
 * the exception handler (it goes to the DLQ); anything that does is a bug or a broker problem, so
 * the instance stops and says why rather than retrying forever.
 */
public final class IngestService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private volatile Throwable failure;

  private IngestService(IngestConfig config) {
    this.streams = new KafkaStreams(IngestTopology.build(config), config.streamsProperties());
    streams.setUncaughtExceptionHandler(e -> {
      failure = e;
      log.error("ingest stopped: {}", e.toString(), e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
  }

  /** Starts ingest; returns once it has joined the group and restored its state. */
  public static IngestService start(IngestConfig config, Duration timeout) {
    var service = new IngestService(config);
    service.streams.start();
    try {
      if (!service.running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        var state = service.streams.state();
        service.close();
        throw new IllegalStateException("ingest did not reach RUNNING within " + timeout
            + " (state " + state + "); is the broker at " + config.bootstrapServers() + " up?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      service.close();
      throw new IllegalStateException("interrupted while starting ingest", e);
    }
    return service;
  }

  /**
   * Binds the instance's metrics — Kafka Streams' own and ingest's sensors (accepted, rejected per
   * reason, duplicates, items stored) — to a Micrometer registry, for {@code /metrics}.
   */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    // sensors made on first use (a reject reason, a relation in a reason) appear at the next
    // refresh: every 5 s rather than Micrometer's default minute
    var refresh = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      var t = new Thread(r, "lrd-metrics-refresh");
      t.setDaemon(true);
      return t;
    });
    new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams, java.util.List.of(), refresh,
        java.time.Duration.ofSeconds(5)).bindTo(registry);
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** The error that stopped the instance, or null. */
  public Throwable failure() {
    return failure;
  }

  /** Waits until the instance stops by itself (an error) or the thread is interrupted. */
  public void awaitTermination() throws InterruptedException {
    while (streams.state().isRunningOrRebalancing() || streams.state() == KafkaStreams.State.CREATED) {
      Thread.sleep(500);
    }
  }

  /** Commits and closes cleanly: the next start resumes from exactly here. */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}

package org.lrdstream.scorer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.lrdstream.scorer.serving.CheckpointLoader;
import org.lrdstream.scorer.serving.ModelHolder;
import org.lrdstream.scorer.serving.ServingModel;
import org.lrdstream.scorer.topology.ScorerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer role: the {@link ScorerTopology} on Kafka Streams, serving the checkpoint given with
 * {@code --checkpoint} (if any) until a newer one is published on {@code model-checkpoints}.
 */
public final class ScorerService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScorerService.class);

  private final ModelHolder holder;
  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private volatile Throwable failure;

  private ScorerService(ScorerConfig config, ModelHolder holder) {
    this.holder = holder;
    this.streams = new KafkaStreams(ScorerTopology.build(config, holder), config.streamsProperties());
    streams.setUncaughtExceptionHandler(e -> {
      failure = e;
      log.error("scorer stopped: {}", e.toString(), e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
  }

  /**
   * Loads the initial checkpoint (a clear error if it is missing or corrupt), starts the topology
   * and returns once it has joined the group and restored its state.
   */
  public static ScorerService start(ScorerConfig config, Duration timeout) {
    var initial = config.checkpoint() == null ? null
        : CheckpointLoader.fromDirectory(config.checkpoint(), config.layers());
    return start(config, initial, timeout);
  }

  /** Starts serving {@code initial} (may be null) until a newer checkpoint is published. */
  public static ScorerService start(ScorerConfig config, ServingModel initial, Duration timeout) {
    var holder = new ModelHolder();
    if (initial != null) {
      initial.workers(config.effectiveModelWorkers()).warmUp(config.batch(), config.candidates());
      holder.offer(initial);
    }
    var service = new ScorerService(config, holder);
    service.streams.start();
    try {
      if (!service.running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        var state = service.streams.state();
        service.close();
        throw new IllegalStateException("scorer did not reach RUNNING within " + timeout
            + " (state " + state + "); is the broker at " + config.bootstrapServers() + " up?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      service.close();
      throw new IllegalStateException("interrupted while starting the scorer", e);
    }
    return service;
  }

  /**
   * Binds the instance's metrics — Kafka Streams' own and the scorer's sensors (latencies,
   * candidates, reasons per relation, online HR/NDCG@10, model version) — to a Micrometer registry.
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

  /** The version serving, or -1 before any checkpoint. */
  public long modelVersion() {
    return holder.version();
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

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    holder.close();
  }
}

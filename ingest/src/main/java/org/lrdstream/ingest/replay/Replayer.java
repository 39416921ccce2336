package org.lrdstream.ingest.replay;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.InteractionCodec;
import org.lrdstream.state.records.ItemCodec;

/**
 * Publishes a {@link ReplayPlan}: the items to {@code items}, then the interactions to {@code
 * interactions} keyed by user, each with its event time as the record timestamp, at a fixed rate or
 * as fast as the broker takes them. The producer is idempotent, so its own retries cannot publish
 * an event twice; a failed send fails the replay.
 */
public final class Replayer {

  /** Told about progress every few hundred records and once at the end. */
  @FunctionalInterface
  public interface Progress {
    void update(long sent, long total);

    Progress NONE = (sent, total) -> {};
  }

  /** What was published and how long it took. */
  public record Result(int items, int events, Duration elapsed) {
    public double eventsPerSecond() {
      return events / Math.max(1e-9, elapsed.toNanos() / 1e9);
    }
  }

  private final String bootstrapServers;

  public Replayer(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * @param eventsPerSecond the interaction rate; 0 or less for as fast as possible
   */
  public Result replay(ReplayPlan plan, double eventsPerSecond, Progress progress) {
    var failure = new AtomicReference<Exception>();
    long total = (long) plan.items().size() + plan.interactions().size();
    long t0 = System.nanoTime();
    try (var producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
        new ByteArraySerializer())) {
      long sent = 0;
      for (var item : plan.items()) {
        producer.send(new ProducerRecord<>(Topics.ITEMS, item.item(), ItemCodec.encode(item)),
            (meta, e) -> failure.compareAndSet(null, e));
        sent = tick(++sent, total, progress, failure);
      }
      long start = System.nanoTime();
      long n = 0;
      for (var event : plan.interactions()) {
        if (eventsPerSecond > 0) {
          long due = start + (long) (n * 1e9 / eventsPerSecond);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            sleep(wait);
          }
        }
        producer.send(new ProducerRecord<>(Topics.INTERACTIONS, null, event.ts(), event.user(),
            InteractionCodec.encode(event)), (meta, e) -> failure.compareAndSet(null, e));
        n++;
        sent = tick(++sent, total, progress, failure);
      }
      producer.flush();
      check(failure);
      progress.update(total, total);
    }
    return new Result(plan.items().size(), plan.interactions().size(),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  private Map<String, Object> producerConfig() {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 10,
        ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
        ProducerConfig.CLIENT_ID_CONFIG, "lrd-replay");
  }

  private static long tick(long sent, long total, Progress progress, AtomicReference<Exception> f) {
    if (sent % 500 == 0) {
      check(f);
      progress.update(sent, total);
    }
    return sent;
  }

  private static void check(AtomicReference<Exception> failure) {
    var e = failure.get();
    if (e != null) {
      throw new IllegalStateException("publishing failed: " + e.getMessage(), e);
    }
  }

  private static void sleep(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("replay interrupted", e);
    }
  }
}

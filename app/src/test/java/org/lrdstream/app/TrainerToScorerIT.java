package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.encoder.TextEncoder;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.scorer.serving.CheckpointLoader;
import org.lrdstream.state.metrics.Observability;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.EventType;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.state.records.Item;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.state.records.SequenceEvent;
import org.lrdstream.trainer.online.OnlineTrainer;
import org.lrdstream.trainer.online.TrainerConfig;

/** What the online trainer announces on model-checkpoints is what the scorer loads and serves. */
class TrainerToScorerIT {
  /** Seeded unit vectors per text: a stand-in for the sentence encoder. */
  private static final class SeededEncoder implements TextEncoder {
    @Override
    public String id() {
      return "seeded-8";
    }

    @Override
    public int dimension() {
      return 8;
    }

    @Override
    public float[][] encode(List<String> texts) {
      var out = new float[texts.size()][8];
      for (int i = 0; i < out.length; i++) {
        var rng = new SplittableRandom(texts.get(i).hashCode());
        double norm = 0;
        for (int k = 0; k < 8; k++) {
          out[i][k] = (float) rng.nextDouble(-1, 1);
          norm += out[i][k] * out[i][k];
        }
        for (int k = 0; k < 8; k++) {
          out[i][k] /= (float) Math.sqrt(norm);
        }
      }
      return out;
    }

    @Override
    public void close() {}
  }

  @Test
  void theScorerServesTheTrainersAnnouncedCheckpointIncludingItsUntrainedItems(@TempDir Path tmp) throws Exception {
    try (var m = NDManager.newBaseManager("PyTorch")) {
      JniUtils.setGradMode(false);
    }
    try (var broker = EmbeddedKafkaBroker.start()) {
      var bootstrap = broker.bootstrapServers();
      TopicSetup.ensureTopics(bootstrap, 1);
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
          new StringSerializer(), new ByteArraySerializer())) {
        for (int i = 1; i <= 20; i++) {
          var item = new Item("i" + i, "item " + i, Map.of("category", List.of("c" + (i % 3))), Map.of("also_buy", List.of("i" + (i % 20 + 1))));
          producer.send(new ProducerRecord<>(Topics.ITEMS, item.item(), RecordSerdes.item().serializer().serialize(Topics.ITEMS, item)));
        }
        var ser = RecordSerdes.sequenceEvent().serializer();
        for (int u = 1; u <= 5; u++) {
          var history = new ArrayList<HistoryEntry>();
          for (int k = 0; k < 6; k++) {
            var item = "i" + (1 + (u * 3 + k) % 15); // items 16..20 are never bought: untrained
            var e = new SequenceEvent("u" + u, item, 1_000_000L + k * 60_000L, EventType.PURCHASE, u + "/" + k, List.copyOf(history));
            producer.send(new ProducerRecord<>(Topics.SEQUENCE_EVENTS, e.user(), ser.serialize(Topics.SEQUENCE_EVENTS, e)));
            history.add(new HistoryEntry(item, e.ts()));
          }
        }
      }
      var b = TrainerConfig.defaults(bootstrap, tmp.resolve("ckpt")).toBuilder();
      b.model = ModelConfig.forName("kda+lrd").toBuilder().dim(16).heads(2).layers(1).latentRelations(2).build();
      b.batchSize = 8;
      b.maxWait = Duration.ofMillis(100);
      var meters = Observability.registry("trainer");
      try (var trainer = OnlineTrainer.start(b.build(), new SeededEncoder(), meters,
          new OnlineTrainer.Listener() {}, Duration.ofSeconds(60))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (trainer.eventsConsumed() < 30 && System.nanoTime() < deadline && trainer.failure() == null) {
          Thread.sleep(20);
        }
        assertThat(trainer.failure()).isNull();
        // every metric the trainer's dashboard queries is in its scrape, with the role tag
        var scrape = meters.scrape();
        assertThat(scrape).contains("role=\"trainer\"");
        assertThat(ObservabilityIT.value(scrape, "lrd_trainer_events_total")).isEqualTo(30);
        var known = ObservabilityIT.names(scrape);
        var missing = DashboardsTest.queriedMetrics(Path.of("..", "ops", "grafana", "dashboards"), "trainer");
        assertThat(missing).isNotEmpty();
        missing.removeAll(known);
        assertThat(missing).as("trainer dashboard metrics the trainer does not register").isEmpty();
        assertThat(known).contains("kafka_consumer_fetch_manager_records_consumed_total");
      } // closing publishes the last checkpoint

      var meta = lastAnnounced(bootstrap);
      try (var serving = CheckpointLoader.fromMetadata(meta, 0)) {
        assertThat(serving.version()).isEqualTo(meta.version());
        assertThat(serving.numItems()).isEqualTo(20);
        assertThat(serving.projectedItems()).isEqualTo(5); // i16..i20 are scored from their text
        var result = serving.recommend("u1", List.of(new HistoryEntry("i4", 2_000_000L), new HistoryEntry("i5", 2_060_000L)),
            2_120_000L, 20, 5, true, 3);
        assertThat(result.items()).hasSize(5);
        assertThat(result.items()).noneMatch(r -> r.item().equals("i4") || r.item().equals("i5"));
      }
    }
  }

  private static CheckpointMetadata lastAnnounced(String bootstrap) {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), RecordSerdes.checkpointMetadata().deserializer())) {
      var tp = new TopicPartition(Topics.MODEL_CHECKPOINTS, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      CheckpointMetadata last = null;
      while (consumer.position(tp) < end) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          last = r.value();
        }
      }
      assertThat(last).isNotNull();
      return last;
    }
  }
}

package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.ScorerService;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.metrics.Observability;
import org.lrdstream.trainer.experiment.Experiment;

/**
 * Ingest and the scorer on the embedded broker with their meters bound, a slice of Office
 * replayed: the Prometheus scrape of each role carries its own metrics with real values, and
 * every metric the dashboards in {@code ops/} query for these roles is among them.
 */
class ObservabilityIT {
  static final Pattern METRIC = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{| )");

  static TreeSet<String> names(String scrape) {
    var out = new TreeSet<String>();
    for (var line : scrape.split("\n")) {
      var m = METRIC.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  @Test
  void ingestAndScorerServeTheirMetricsAndTheDashboardsQueryOnlyThose(@TempDir Path tmp) throws Exception {
    var office = Files.isDirectory(Path.of("../../shared/data/office")) ? Path.of("../../shared/data/office") : Path.of("../shared/data/office");
    var data = ReChorusReader.read(office);
    var rng = new SplittableRandom(1);
    var text = new float[data.numItems() + 1][8];
    for (int i = 1; i <= data.numItems(); i++) {
      for (int k = 0; k < 8; k++) {
        text[i][k] = (float) rng.nextGaussian();
      }
    }
    var ckpt = tmp.resolve("ckpt");
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(ModelConfig.forName("kda+lrd").toBuilder().dim(8).layers(1).build(), data, text, m, 1)) {
      CheckpointFiles.write(ModelCheckpoint.toCheckpoint(model, null, new ModelCheckpoint.Meta(1,
          Experiment.userIds(data), Experiment.itemIds(data), Map.of(), Map.of(), Map.of())), ckpt);
    }
    var full = ReplayPlan.of(data);
    var plan = new ReplayPlan(full.dataset(), full.items(), full.interactions().subList(0, 400));
    var ingestMeters = Observability.registry("ingest");
    var scorerMeters = Observability.registry("scorer");
    try (var broker = EmbeddedKafkaBroker.start()) {
      TopicSetup.ensureTopics(broker.bootstrapServers(), 2);
      var ingestConfig = IngestConfig.defaults().withBootstrapServers(broker.bootstrapServers())
          .withStateDir(tmp.resolve("ingest-state"));
      var b = ScorerConfig.defaults().toBuilder();
      b.bootstrapServers = broker.bootstrapServers();
      b.stateDir = tmp.resolve("scorer-state");
      b.checkpoint = ckpt;
      b.candidates = 50;
      try (var ingest = IngestService.start(ingestConfig, Duration.ofSeconds(60));
          var scorer = ScorerService.start(b.build(), Duration.ofSeconds(60))) {
        ingest.bindMetrics(ingestMeters);
        scorer.bindMetrics(scorerMeters);
        new Replayer(broker.bootstrapServers()).replay(plan, 0, Replayer.Progress.NONE);
        // one bad record: ingest's rejected-<reason> counter exists once something is rejected
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
            "bootstrap.servers", broker.bootstrapServers(),
            "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
            "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName()))) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(org.lrdstream.state.Topics.INTERACTIONS, "u1", "{not json")).get();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while ((value(scorerMeters.scrape(), "kafka_stream_lrd_scorer_recommendations_total") < 400
            || value(ingestMeters.scrape(), "kafka_stream_lrd_ingest_rejected_malformed_json_total") < 1
            // a relation's reasons counter is made on first use and bound at the next refresh (5 s)
            || value(scorerMeters.scrape(), "kafka_stream_lrd_scorer_reasons_total") < 1) && System.nanoTime() < deadline) {
          Thread.sleep(250);
        }
        var ingestScrape = ingestMeters.scrape();
        var scorerScrape = scorerMeters.scrape();
        var ingestNames = names(ingestScrape);
        var scorerNames = names(scorerScrape);
        System.out.println("ingest metrics: " + ingestNames.stream().filter(n -> n.contains("lrd")).toList());
        System.out.println("scorer metrics: " + scorerNames.stream().filter(n -> n.contains("lrd")).toList());
        assertThat(value(ingestScrape, "kafka_stream_lrd_ingest_accepted_total")).isEqualTo(400);
        assertThat(value(scorerScrape, "kafka_stream_lrd_scorer_recommendations_total")).isEqualTo(400);
        assertThat(scorerScrape).contains("role=\"scorer\"");
        var known = new TreeSet<String>(ingestNames);
        known.addAll(scorerNames);
        Files.write(Path.of("target", "metric-names.txt"), known);
        var missing = DashboardsTest.queriedMetrics(Path.of("..", "ops", "grafana", "dashboards"), "ingest", "scorer", "jvm");
        missing.removeAll(known);
        missing.removeIf(n -> n.startsWith("~") && known.stream().anyMatch(k -> k.matches(n.substring(1))));
        assertThat(missing).as("dashboard metrics no role registers").isEmpty();
      }
    }
  }

  static double value(String scrape, String name) {
    double sum = 0;
    for (var line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}

package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.RelationLabels;
import org.lrdstream.trainer.experiment.Experiment;

/** lrd relations and lrd explain on an (untrained, small) checkpoint of the real Office catalog. */
class AnalysisCommandsTest {
  @TempDir static Path tmp;
  static Path office;
  static Path checkpoint;

  @BeforeAll
  static void checkpointOfOffice() {
    office = Files.isDirectory(Path.of("../../shared/data/office")) ? Path.of("../../shared/data/office") : Path.of("../shared/data/office");
    var data = ReChorusReader.read(office);
    var rng = new SplittableRandom(1);
    var text = new float[data.numItems() + 1][8];
    for (int i = 1; i <= data.numItems(); i++) {
      for (int k = 0; k < 8; k++) {
        text[i][k] = (float) rng.nextGaussian();
      }
    }
    var cfg = ModelConfig.forName("kda+lrd").toBuilder().dim(8).layers(1).build();
    checkpoint = tmp.resolve("kda+lrd-seed1");
    try (var m = NDManager.newBaseManager("PyTorch"); var model = ModelFactory.create(cfg, data, text, m, 1)) {
      CheckpointFiles.write(ModelCheckpoint.toCheckpoint(model, null, new ModelCheckpoint.Meta(1,
          Experiment.userIds(data), Experiment.itemIds(data), Map.of(), Map.of(), Map.of())), checkpoint);
    }
  }

  @Test
  void relationsWritesTheReportAndStoresTheLabelsBesideTheCheckpoint() throws Exception {
    var out = tmp.resolve("relations");
    var r = ExperimentCommandTest.run("relations", "--checkpoint", checkpoint.toString(), "--data", office.toString(),
        "--out", out.toString(), "--max-pairs", "20000", "--top", "3");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(out.resolve("similarity.png")).isNotEmptyFile();
    var md = Files.readString(out.resolve("relations.md"));
    assertThat(md).contains("## Cosine similarity", "### latent-8", "20,000 candidate pairs");
    assertThat(Files.readString(out.resolve("relations.json"))).contains("\"by_relation\"", "\"top_pairs\"");
    var labels = RelationLabels.readFrom(checkpoint);
    assertThat(labels.labels()).containsKeys("share-category", "latent-1", "latent-8");
    assertThat(labels.source()).isEqualTo("tf-idf");
  }

  @Test
  void explainReachesStandardOutputWhenRunAsTheCommand() {
    // the command line as main() runs it, on System.out: Markdown ends with print(), which picocli's
    // writer does not flush by itself (this printed nothing once)
    var saved = System.out;
    var bytes = new java.io.ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new java.io.PrintStream(bytes, false, java.nio.charset.StandardCharsets.UTF_8));
      exit = LrdCommand.run("explain", "--checkpoint", checkpoint.toString(), "--data", office.toString(), "--user", "3",
          "--top", "2");
    } finally {
      System.setOut(saved);
    }
    assertThat(exit).isZero();
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("# User 3: test target", "## Top recommendations over the whole catalog");
  }

  @Test
  void explainPrintsTheUsersHistoryRanksAndReasons() {
    var r = ExperimentCommandTest.run("explain", "--checkpoint", checkpoint.toString(), "--baseline", checkpoint.toString(),
        "--data", office.toString(), "--user", "3", "--top", "4");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("# User 3: test target", "Rank of the target among its 100 candidates",
        "## History, oldest first", "## Top recommendations over the whole catalog", "| 4 |");
    var top = r.out().split("## Top recommendations over the whole catalog")[1].split("\n## ")[0];
    assertThat(top.lines().filter(l -> l.matches("\\| \\d+ \\|.*"))).hasSize(4);
    var json = ExperimentCommandTest.run("explain", "--checkpoint", checkpoint.toString(), "--data", office.toString(),
        "--user", "3", "--split", "dev", "--json");
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out()).contains("\"user\" : 3", "\"test\" : false", "\"baselineRank\" : -1");
  }

  @Test
  void aCheckpointOfAnotherDataSetIsRefused(@TempDir Path other) throws Exception {
    var ml = office.resolveSibling("ml-100k-split");
    var r = ExperimentCommandTest.run("explain", "--checkpoint", checkpoint.toString(), "--data", ml.toString(), "--user", "3");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("give the data set the checkpoint was trained on");
  }

  @Test
  void rerankBenchComparesTheScorersPathWithTheFullModelOnTheSameUsers() throws Exception {
    var r = ExperimentCommandTest.run("bench", "rerank", "--checkpoint", checkpoint.toString(), "--data", office.toString(),
        "--users", "20", "--candidates", "30,2420");
    assertThat(r.exit()).as(r.err()).isZero();
    var lines = r.out().strip().split("\n");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.path("users").asInt()).isEqualTo(20);
    assertThat(json.path("rerank")).hasSize(2);
    // with every item a candidate, the scorer's path ranks exactly as the full model does
    var all = json.path("rerank").get(1);
    assertThat(all.path("candidates").asInt()).isEqualTo(2420);
    assertThat(all.path("HR@10").asDouble()).isEqualTo(json.path("full_catalog").path("HR@10").asDouble());
    assertThat(all.path("NDCG@10").asDouble()).isCloseTo(json.path("full_catalog").path("NDCG@10").asDouble(),
        org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void passesBenchTimesEveryShapeOfTheScoringPass() throws Exception {
    var r = ExperimentCommandTest.run("bench", "passes", "--checkpoint", checkpoint.toString(), "--data", office.toString(),
        "--candidates", "20", "--batches", "1,3", "--workers", "1,2", "--seconds", "0.2", "--warmup-seconds", "0");
    assertThat(r.exit()).as(r.err()).isZero();
    var lines = r.out().strip().split("\n");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.path("layers").asInt()).isEqualTo(1);
    var shapes = json.path("shapes");
    assertThat(shapes).hasSize(4);
    assertThat(shapes.get(1).path("workers").asInt()).isEqualTo(1);
    assertThat(shapes.get(1).path("batch").asInt()).isEqualTo(3);
    assertThat(shapes.get(3).path("workers").asInt()).isEqualTo(2);
    for (var s : shapes) {
      assertThat(s.path("passes").asInt()).isPositive();
      assertThat(s.path("p50_ms").asDouble()).isPositive().isLessThanOrEqualTo(s.path("p99_ms").asDouble());
      assertThat(s.path("p99_ms").asDouble()).isLessThanOrEqualTo(s.path("max_ms").asDouble());
      assertThat(s.path("ms_per_event").asDouble())
          .isCloseTo(s.path("p50_ms").asDouble() / s.path("batch").asInt(), org.assertj.core.api.Assertions.within(1e-9));
    }
    assertThat(r.err()).contains("workers 2, batch 3:");
    var bad = ExperimentCommandTest.run("bench", "passes", "--checkpoint", checkpoint.toString(), "--data", office.toString(),
        "--batches", "0");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("--batches must be at least 1, got 0");
  }

  @Test
  void thePercentileIsTheNearestRank() {
    long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(PassesBenchCommand.percentile(v, 0.5)).isEqualTo(5);
    assertThat(PassesBenchCommand.percentile(v, 0.99)).isEqualTo(10);
    assertThat(PassesBenchCommand.percentile(new long[] {7}, 0.99)).isEqualTo(7);
  }
}

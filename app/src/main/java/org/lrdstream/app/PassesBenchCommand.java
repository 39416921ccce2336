package org.lrdstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.scorer.serving.CheckpointLoader;
import org.lrdstream.scorer.serving.ServingModel;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.records.HistoryEntry;
import org.lrdstream.trainer.offline.UserHistories;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrd bench passes}: the scorer's scoring pass alone ({@code ServingModel.recommendAll}:
 * retrieval, candidates, the full model, reasons), without Kafka, by batch size and model workers:
 * what one batch of B events costs, its median and its tail. It tells {@code --batch} and
 * {@code --model-workers} of {@code lrd scorer} apart from the rest of the pipeline.
 */
@Command(
    name = "passes",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Latency of the scorer's scoring pass alone (no Kafka), by batch size and model workers.",
      "Each batch holds the histories of B test users of DIR as the scorer would see them; every",
      "(workers, batch) shape is warmed up and then timed for a fixed wall time. Prints one line",
      "per shape on stderr and one JSON object as the last line of stdout."
    })
public final class PassesBenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set the checkpoint was trained on.")
  Path data;

  @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "Checkpoint directory (e.g. OUT/checkpoints/kda+lrd-seed1).")
  Path checkpoint;

  @Option(names = "--candidates", defaultValue = "200", paramLabel = "N", description = "Candidates per event. Default: ${DEFAULT-VALUE}.")
  int candidates;

  @Option(names = "--layers", defaultValue = "0", paramLabel = "L",
      description = "Self-attention layers to run (0 = all of the checkpoint's). Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--batches", split = ",", defaultValue = "1,2,4,8,16,32", paramLabel = "B[,B...]",
      description = "Events per pass to measure. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(names = "--workers", split = ",", defaultValue = "0", paramLabel = "W[,W...]",
      description = "Model workers to measure (0 = one per core, the scorer's default). Default: ${DEFAULT-VALUE}.")
  List<Integer> workers;

  @Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
      description = "Wall time each shape is timed for. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = "--warmup-seconds", defaultValue = "5", paramLabel = "S",
      description = "Wall time each shape runs untimed first (the JIT compiles the scoring path in the first"
          + " tens of seconds of a fresh JVM: give the first shape more). Default: ${DEFAULT-VALUE}.")
  double warmupSeconds;

  @Override
  public Integer call() throws Exception {
    if (candidates < 1 || seconds <= 0 || warmupSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--candidates must be at least 1, --seconds above 0 and --warmup-seconds at least 0");
    }
    for (int b : batches) {
      if (b < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--batches must be at least 1, got " + b);
      }
    }
    for (int w : workers) {
      if (w < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be at least 0, got " + w);
      }
    }
    var dataset = ReChorusReader.read(data);
    CheckpointData.checkSameItems(CheckpointFiles.read(checkpoint), dataset, checkpoint, data);
    var histories = new UserHistories(dataset);
    var requests = new ArrayList<ServingModel.Request>();
    for (var row : dataset.test()) {
      int pos = histories.position(row.user(), true);
      var items = histories.itemsBefore(row.user(), pos);
      var times = histories.timesBefore(row.user(), pos);
      var history = new ArrayList<HistoryEntry>(items.length);
      for (int i = 0; i < items.length; i++) {
        history.add(new HistoryEntry(dataset.catalog().externalId(items[i]), times[i] * 1000L));
      }
      requests.add(new ServingModel.Request(Integer.toString(row.user()), history, row.time() * 1000L));
    }
    var out = new LinkedHashMap<String, Object>();
    out.put("benchmark", "passes");
    out.put("dataset", dataset.name());
    out.put("checkpoint", checkpoint.toString());
    out.put("candidates", candidates);
    out.put("cores", Runtime.getRuntime().availableProcessors());
    var shapes = new ArrayList<Object>();
    try (var serving = CheckpointLoader.fromDirectory(checkpoint, layers)) {
      out.put("layers", layers == 0 ? serving.config().layers() : layers);
      int next = 0;
      for (int w : workers) {
        int effective = w == 0 ? Runtime.getRuntime().availableProcessors() : w;
        serving.workers(effective);
        for (int b : batches) {
          var timings = new ArrayList<Long>();
          long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
          long end = warmEnd + (long) (seconds * 1e9);
          while (true) {
            var batch = new ArrayList<ServingModel.Request>(b);
            for (int k = 0; k < b; k++) {
              batch.add(requests.get(next));
              next = (next + 1) % requests.size();
            }
            long t0 = System.nanoTime();
            serving.recommendAll(batch, candidates, 10, true, 3);
            long t1 = System.nanoTime();
            if (t0 >= warmEnd) {
              timings.add(t1 - t0);
            }
            if (t1 >= end && !timings.isEmpty()) {
              break;
            }
          }
          var shape = shape(effective, b, timings);
          spec.commandLine().getErr().printf("workers %d, batch %d: %d passes, p50 %.2f ms, p99 %.2f ms, %.2f ms per event%n",
              effective, b, timings.size(), shape.get("p50_ms"), shape.get("p99_ms"), shape.get("ms_per_event"));
          spec.commandLine().getErr().flush();
          shapes.add(shape);
        }
      }
    }
    out.put("shapes", shapes);
    spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(out));
    return 0;
  }

  /** The summary of one shape's pass times (ns): percentiles in ms, and the rate they sustain. */
  static LinkedHashMap<String, Object> shape(int workers, int batch, List<Long> nanos) {
    var t = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(t);
    double total = Arrays.stream(t).sum();
    var s = new LinkedHashMap<String, Object>();
    s.put("workers", workers);
    s.put("batch", batch);
    s.put("passes", t.length);
    s.put("p50_ms", percentile(t, 0.50) / 1e6);
    s.put("p99_ms", percentile(t, 0.99) / 1e6);
    s.put("max_ms", t[t.length - 1] / 1e6);
    s.put("ms_per_event", percentile(t, 0.50) / 1e6 / batch);
    s.put("events_per_second", total == 0 ? 0.0 : (double) t.length * batch / (total / 1e9));
    return s;
  }

  /** The nearest-rank percentile of sorted values: the smallest value with at least q of them at or below. */
  static long percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}

package org.lrdstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.encoder.TextEncoders;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.trainer.bench.ModelBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd bench model}: training-epoch and evaluation-pass speed, with the FLOP rate. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Training-epoch and evaluation-pass speed of a model, with its FLOP rate.",
      "Times whole training epochs and whole evaluation passes (every dev user against its 100",
      "candidates) of a model on a data set, as the paper's reference implementation is timed, and",
      "the achieved FLOP rate (analytic count of the matrix products; see BENCHMARKS.md) against the",
      "machine's peak. Prints one JSON object as its last line."
    })
public final class ModelBenchCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data set (ReChorus format).")
  Path data;

  @Option(names = "--model", defaultValue = "kda", paramLabel = "M", description = "Model name. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--epochs", defaultValue = "2", paramLabel = "E",
      description = "Training epochs to time; the fastest is reported (the first includes warm-up); 0 times evaluation only. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--eval-passes", defaultValue = "1", paramLabel = "P", description = "Evaluation passes to time. Default: ${DEFAULT-VALUE}.")
  int evalPasses;

  @Option(names = "--eval-batch", defaultValue = "0", paramLabel = "U", description = "Users per evaluation pass; 0 = about 4,000 (candidate, relation) rows per pass (8 users for KDA, 3 for KDA+LRD, 16 for a baseline). Default: ${DEFAULT-VALUE}.")
  int evalBatch;

  @Option(names = "--peak-gflops", defaultValue = "0", paramLabel = "G",
      description = "The machine's FP32 peak in GFLOP/s, for the share of peak: cores x GHz x FLOP/cycle. 0 = read from /proc/cpuinfo (64 FLOP/cycle with AVX-512, 32 with AVX2+FMA, 16 otherwise; 157, the 2-core AVX2 EPYC of the first measurements, where it cannot be read). Default: ${DEFAULT-VALUE}.")
  double peak;

  @Option(names = "--encoder", defaultValue = TextEncoders.DEFAULT_SPEC, paramLabel = "SPEC", description = "Text encoder. Default: ${DEFAULT-VALUE}.")
  String encoder;

  @Override
  public Integer call() throws Exception {
    var dataset = ReChorusReader.read(data);
    var cfg = ModelConfig.forName(model);
    var text = new ExperimentCommand.EncoderSource(encoder, ExperimentCommand.defaultCacheDir(), System.err)
        .vectors(dataset.catalog());
    int threads = Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors());
    var result = ModelBenchmark.run(dataset, model, cfg, text, epochs, evalPasses, evalBatch, peak > 0 ? peak : org.lrdstream.model.FlopCount.machinePeakGflops(157), threads);
    System.out.println(new ObjectMapper().writeValueAsString(result));
    return 0;
  }
}

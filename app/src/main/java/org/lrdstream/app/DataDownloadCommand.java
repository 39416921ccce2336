package org.lrdstream.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrdstream.data.LeaveOneOutSplitter;
import org.lrdstream.data.MovieLens100k;
import org.lrdstream.data.ReChorusWriter;
import org.lrdstream.data.download.MovieLensDownload;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lrd data download ml-100k}: fetch the raw GroupLens files and prepare them. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Download MovieLens 100K and prepare it with the paper's protocol.",
      "Fetches GroupLens' ml-100k.zip (unpacked into OUT/raw), keeps the 5-core, splits leave-one-out "
          + "with 99 seeded negatives per held-out row, and writes the ReChorus format into --out. "
          + "Offline? Pass --from with a local copy (the unpacked directory or the zip)."
    })
public final class DataDownloadCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET", description = "The data set to download: ml-100k.")
  String dataset;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "ml-100k",
      description = "Where to write the prepared data set (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--from", paramLabel = "URL_OR_PATH", defaultValue = MovieLensDownload.ML_100K_URL,
      description = {"Where to get the raw files: an http(s) URL of the zip, or a local copy, the unpacked",
          "directory or ml-100k.zip (default: ${DEFAULT-VALUE})."})
  String from;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + LeaveOneOutSplitter.DEFAULT_SEED,
      description = "Seed of the negative sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    DataCommand.checkKnown(spec, dataset);
    var raw = MovieLensDownload.fetch(from, out.resolve("raw"), System.err);
    var err = spec.commandLine().getErr();
    err.println("preparing " + raw + " (seed " + seed + ")");
    err.flush();
    var prepared = MovieLens100k.prepare(raw, seed);
    ReChorusWriter.write(prepared, out);
    DataReport.written(spec.commandLine().getOut(), prepared, out);
    return 0;
  }
}

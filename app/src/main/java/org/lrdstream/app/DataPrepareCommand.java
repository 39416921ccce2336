package org.lrdstream.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrdstream.data.LeaveOneOutSplitter;
import org.lrdstream.data.MovieLens100k;
import org.lrdstream.data.ReChorusWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lrd data prepare ml-100k}: the download's preprocessing, from a local copy. */
@Command(
    name = "prepare",
    mixinStandardHelpOptions = true,
    description = {
      "Prepare a local copy of raw MovieLens 100K with the paper's protocol.",
      "Reads u.data, u.item and u.genre, keeps the 5-core, splits leave-one-out with 99 seeded "
          + "negatives per held-out row, and writes the ReChorus format into --out (as download does)."
    })
public final class DataPrepareCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET", description = "The data set to prepare: ml-100k.")
  String dataset;

  @Option(names = "--raw", paramLabel = "DIR", required = true,
      description = "Directory with the raw GroupLens files (or with their ml-100k/ folder).")
  Path raw;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Where to write the prepared data set.")
  Path out;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + LeaveOneOutSplitter.DEFAULT_SEED,
      description = "Seed of the negative sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    DataCommand.checkKnown(spec, dataset);
    var prepared = MovieLens100k.prepare(raw, seed);
    ReChorusWriter.write(prepared, out);
    DataReport.written(spec.commandLine().getOut(), prepared, out);
    return 0;
  }
}

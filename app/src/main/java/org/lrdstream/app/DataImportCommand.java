package org.lrdstream.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrdstream.data.GenericImport;
import org.lrdstream.data.LeaveOneOutSplitter;
import org.lrdstream.data.ReChorusWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd data import}: a user's own interactions and item catalog. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import your own interactions and item catalog with the paper's protocol.",
      "Interactions: CSV with the header user,item,timestamp, or JSONL lines "
          + "{\"user\": ..., \"item\": ..., \"ts\": ...}; times in epoch seconds, epoch milliseconds or "
          + "ISO-8601. Catalog: JSONL lines {\"item\": ..., \"text\": ..., \"attributes\": {...}, "
          + "\"relations\": {...}}. Keeps the k-core, splits leave-one-out with 99 seeded negatives per "
          + "held-out row, and writes the ReChorus format into --out, with <name>.item2index and "
          + "<name>.user2index mapping your ids to the dense ones."
    })
public final class DataImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--interactions", paramLabel = "FILE", required = true,
      description = "Interactions: a .csv file (header user,item,timestamp) or a .jsonl file ({\"user\",\"item\",\"ts\"}).")
  Path interactions;

  @Option(names = "--items", paramLabel = "FILE", required = true,
      description = "Item catalog, a .jsonl file: {\"item\", \"text\", \"attributes\": {name: value or [values]}, \"relations\": {name: [item ids]}}.")
  Path items;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "Where to write the data set.")
  Path out;

  @Option(names = "--min-count", paramLabel = "K", defaultValue = "" + GenericImport.DEFAULT_MIN_COUNT,
      description = "Keep users and items with at least K interactions, repeated until stable (default: ${DEFAULT-VALUE}).")
  int minCount;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "" + LeaveOneOutSplitter.DEFAULT_SEED,
      description = "Seed of the negative sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--name", paramLabel = "NAME",
      description = "Name of the data set and of its *.text / *.item2index files (default: the name of --out).")
  String name;

  @Override
  public Integer call() {
    if (minCount < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--min-count must be at least 1, got " + minCount);
    }
    var n = name != null ? name : out.toAbsolutePath().normalize().getFileName().toString();
    var prepared = GenericImport.read(interactions, items, minCount, seed, n);
    ReChorusWriter.write(prepared, out);
    DataReport.written(spec.commandLine().getOut(), prepared, out);
    return 0;
  }
}

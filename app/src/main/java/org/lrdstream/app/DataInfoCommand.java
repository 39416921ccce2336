package org.lrdstream.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrdstream.data.DatasetSummary;
import org.lrdstream.data.ReChorusReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd data info}: what is in a data set. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Summarise a data set in the ReChorus format.",
      "Users, items, interactions, the predefined relations with their triplet counts, and how many "
          + "items have a text."
    })
public final class DataInfoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "The data set directory (train.csv, dev.csv, test.csv, item_meta.csv, *.text).")
  Path data;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.print(DatasetSummary.of(ReChorusReader.read(data)).render());
    out.flush();
    return 0;
  }
}

package org.lrdstream.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lrd data}: get, prepare, import and inspect data sets in the ReChorus format. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = {
      "Get, import and inspect data sets in the ReChorus format that lrd experiment reads.",
      "Download and prepare MovieLens 100K, import your own interactions and item catalog, and "
          + "summarise a data set."
    },
    subcommands = {
      DataDownloadCommand.class,
      DataPrepareCommand.class,
      DataImportCommand.class,
      DataInfoCommand.class,
    })
public final class DataCommand implements Runnable {
  /** The data sets that download and prepare know. */
  static final String ML_100K = "ml-100k";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static void checkKnown(CommandLine.Model.CommandSpec spec, String dataset) {
    if (!ML_100K.equals(dataset)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown data set '" + dataset + "'; available: " + ML_100K
              + " (for your own data, use lrd data import)");
    }
  }
}

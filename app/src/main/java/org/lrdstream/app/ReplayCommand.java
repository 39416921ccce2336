package org.lrdstream.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.state.progress.ProgressBar;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd replay}: publishes a data set to {@code items} and {@code interactions}. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Publishes a ReChorus-format data set: every item to 'items', then the interactions of train, dev and test together to 'interactions' in event-time order (keyed by user, event time as the record timestamp, event ids like office/train/17), so the stream is the users' whole histories. Creates missing topics first.")
public final class ReplayCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, description = "Data set directory (train.csv, dev.csv, test.csv, item_meta.csv, *.text).")
  Path data;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "localhost:9092",
      description = "Kafka to publish to (default: ${DEFAULT-VALUE}, the port of 'lrd broker').")
  String bootstrapServers;

  @ArgGroup(exclusive = true)
  Speed speed = new Speed();

  static final class Speed {
    @Option(names = "--rate", description = "Interactions per second.")
    Double rate;

    @Option(names = "--max-speed", description = "As fast as the broker takes them (the default).")
    boolean maxSpeed;
  }

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of topics this command creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() {
    if (speed.rate != null && !(speed.rate > 0)) {
      throw new IllegalArgumentException("--rate must be a positive number of events per second, got " + speed.rate);
    }
    var plan = ReplayPlan.of(ReChorusReader.read(data));
    TopicSetup.ensureTopics(bootstrapServers, partitions);
    double rate = speed.rate == null ? 0 : speed.rate;
    long total = (long) plan.items().size() + plan.interactions().size();
    Replayer.Result result;
    try (var bar = new ProgressBar("replay " + plan.dataset() + " (records)", total, System.err)) {
      long[] reported = {0};
      result = new Replayer(bootstrapServers).replay(plan, rate, (sent, all) -> {
        bar.step(sent - reported[0]);
        reported[0] = sent;
      });
    }
    System.out.printf(Locale.ROOT, "published %,d items and %,d interactions of %s to %s in %.1f s (%,.0f interactions/s)%n",
        result.items(), result.events(), plan.dataset(), bootstrapServers,
        result.elapsed().toMillis() / 1000.0, result.eventsPerSecond());
    return 0;
  }
}

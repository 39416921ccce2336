package org.lrdstream.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd broker}: the embedded single-node Kafka broker, with lrd-stream's topics. */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Runs an embedded single-node Kafka broker (KRaft) until stopped (Ctrl-C), with the lrd-stream topics created. Other lrd commands reach it with --bootstrap-servers 127.0.0.1:PORT.")
public final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      description = "Where the broker keeps its log; reused across restarts (default: a temporary"
          + " directory removed on exit).")
  Path dataDir;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the partitioned topics when they are created (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535, got " + port);
    }
    var broker = EmbeddedKafkaBroker.start(port, dataDir);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "lrd-broker-shutdown"));
    var created = TopicSetup.ensureTopics(broker.bootstrapServers(), partitions);
    System.out.printf("Kafka broker ready at %s after %.1f s (log in %s)%n",
        broker.bootstrapServers(), broker.startTime().toMillis() / 1000.0, broker.dataDir());
    System.out.println(created.isEmpty() ? "topics: all present" : "topics created: " + created);
    System.out.println("Ctrl-C stops it.");
    System.out.flush();
    stopped.await();
    return 0;
  }
}

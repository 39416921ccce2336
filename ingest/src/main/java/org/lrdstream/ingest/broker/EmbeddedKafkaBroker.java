package org.lrdstream.ingest.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM:
 * the embedded default of {@code lrd}, and the broker of the integration tests. It speaks the full
 * protocol, transactions included, so exactly-once behaves as on a cluster; it is just one node,
 * so every replication factor is 1.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final boolean deleteOnClose;
  private final Duration startTime;
  private boolean closed;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir,
      boolean deleteOnClose, Duration startTime) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.startTime = startTime;
  }

  /** A broker on a free port with its log in a temporary directory removed on {@link #close}. */
  public static EmbeddedKafkaBroker start() {
    return start(0, null);
  }

  /**
   * Starts the broker and waits until it serves requests.
   *
   * @param port the client port, 0 for any free one
   * @param dataDir where the log lives; null for a temporary directory removed on close. An
   *     existing directory is reused (formatted only the first time), so topics survive restarts.
   */
  public static EmbeddedKafkaBroker start(int port, Path dataDir) {
    long t0 = System.nanoTime();
    boolean temporary = dataDir == null;
    try {
      var dir = temporary ? Files.createTempDirectory("lrd-kafka-") : dataDir.toAbsolutePath();
      Files.createDirectories(dir);
      int clientPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      var props = brokerProperties(clientPort, controllerPort, dir);
      var config = new KafkaConfig(props, false);
      // Formatting writes a new cluster id: do it only for a fresh directory (again would fail).
      if (!Files.exists(dir.resolve("meta.properties"))) {
        format(dir);
      }
      var server = new KafkaRaftServer(config, Time.SYSTEM);
      var bootstrap = "127.0.0.1:" + clientPort;
      try {
        server.startup();
        awaitReady(bootstrap, Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        server.shutdown(); // a half-started broker would hold its ports and threads
        if (temporary) {
          deleteRecursively(dir);
        }
        throw e;
      }
      var took = Duration.ofNanos(System.nanoTime() - t0);
      log.info("Kafka broker ready at {} (log in {}) after {} ms", bootstrap, dir, took.toMillis());
      return new EmbeddedKafkaBroker(server, bootstrap, dir, temporary, took);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the broker's log directory", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** From the call to {@link #start} until the broker answered a metadata request. */
  public Duration startTime() {
    return startTime;
  }

  /** Stops the broker (clients should be closed first) and removes a temporary log directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private static Map<String, Object> brokerProperties(int clientPort, int controllerPort, Path dir) {
    var p = new HashMap<String, Object>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.toString());
    // One node: every internal topic has one replica, or transactions (exactly-once) never start.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A crashed transactional producer's open transaction blocks read_committed readers until it
    // is aborted; check for timed-out transactions often (default 10 s).
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    // The cleaner's default 128 MiB buffer would dominate a small embedded heap.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    // 2 cores: the defaults (3 network, 8 I/O threads) only add contention.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    return p;
  }

  private static void format(Path dir) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(1)
          .setClusterId(Uuid.randomUuid().toString())
          .addDirectory(dir.toString())
          .setMetadataLogDirectory(dir.toString())
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setUnstableFeatureVersionsEnabled(false)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format the broker's log directory " + dir, e);
    }
  }

  private static void awaitReady(String bootstrap, Duration timeout) {
    try (var admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the embedded broker at " + bootstrap + " did not come up", e);
    }
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not remove the broker's temporary directory {}: {}", dir, e.getMessage());
    }
  }
}

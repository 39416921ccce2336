package org.lrdstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lrdstream.app.live.LiveDashboard;
import org.lrdstream.app.live.RelationsHtml;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.encoder.EncoderOptions;
import org.lrdstream.encoder.TextEncoders;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;
import org.lrdstream.ingest.broker.TopicSetup;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.ingest.replay.Replayer;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.ScorerService;
import org.lrdstream.state.Topics;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.DurableFiles;
import org.lrdstream.state.metrics.MetricsServer;
import org.lrdstream.state.metrics.Observability;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.Recommendation;
import org.lrdstream.state.records.RecordSerdes;
import org.lrdstream.trainer.analysis.RelationAnalysis;
import org.lrdstream.trainer.step.JointStep;
import org.lrdstream.trainer.online.OnlineTrainer;
import org.lrdstream.trainer.online.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd demo}: the whole system in one JVM on an embedded broker, fed by a data set replay. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the whole system in one JVM: embedded broker, ingest, online trainer and scorer.",
      "Replays a data set's interactions in time order at --rate and shows a live status line, real",
      "recommendations with their reasons, and a live page at http://localhost:<port>/ (with /metrics).",
      "State, checkpoints and the replay position are kept in --data-dir: running it again resumes",
      "(--fresh starts over). Ctrl-C stops every part cleanly."
    })
public final class DemoCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", description = "Data set to replay (ReChorus format). Default: ../shared/data/office, else ./data/office.")
  Path data;

  @Option(names = "--rate", defaultValue = "200", paramLabel = "R", description = "Events per second (0 = as fast as possible). Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--max-events", defaultValue = "0", paramLabel = "N",
      description = "Stop by itself after N events (0 = the whole data set, then keep running) and print a JSON summary as the last line.")
  int maxEvents;

  @Option(names = "--fresh", description = "Delete --data-dir first: a new broker, state and model.")
  boolean fresh;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "Live page and /metrics (0 = any free port, -1 = none). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--data-dir", defaultValue = "lrd-demo", paramLabel = "D", description = "Broker log, stream state, checkpoints, replay position. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--model", defaultValue = "kda+lrd", paramLabel = "M", description = "Model the trainer starts cold with. Default: ${DEFAULT-VALUE}.")
  String model;

  @Option(names = "--warm-start", paramLabel = "CKPT", description = "Start the trainer from this checkpoint (e.g. of lrd experiment) instead of cold.")
  Path warmStart;

  @Option(names = "--candidates", defaultValue = "100", paramLabel = "N", description = "Candidates the scorer reranks per event. Default: ${DEFAULT-VALUE}.")
  int candidates;

  @Option(names = "--encoder", defaultValue = TextEncoders.DEFAULT_SPEC, paramLabel = "SPEC", description = "Text encoder. Default: ${DEFAULT-VALUE}.")
  String encoder;

  @Option(names = "--show-every", defaultValue = "10", paramLabel = "S", description = "Print a real recommendation every S seconds (0 = never). Default: ${DEFAULT-VALUE}.")
  int showEvery;

  @Option(names = "--keep-serving", defaultValue = "0", paramLabel = "S",
      description = "With --max-events: keep the live page and /metrics up S seconds after the last event is answered,"
          + " so the final meters can be scraped (meters made late appear within 5 s). Default: ${DEFAULT-VALUE}.")
  int keepServing;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Events replayed before the replay waits for the first model to serve. */
  private static final int WARM_UP = 200;

  @Override
  public Integer call() throws Exception {
    if (keepServing < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--keep-serving must be at least 0, got " + keepServing);
    }
    long started = System.nanoTime();
    // the in-process broker's own logging (transaction retries at start-up...) is not the user's
    // business here; lrd-stream's warnings and errors still show
    for (var quiet : List.of("kafka", "org.apache.kafka", "state.change.logger", "org.apache.zookeeper")) {
      if (System.getProperty("org.slf4j.simpleLogger.log." + quiet) == null) {
        System.setProperty("org.slf4j.simpleLogger.log." + quiet, "off");
      }
    }
    var dataset = ReChorusReader.read(dataDirOrDefault());
    if (fresh && Files.exists(dataDir)) {
      DurableFiles.deleteTree(dataDir);
    }
    Files.createDirectories(dataDir);
    var full = ReplayPlan.of(dataset);
    long position = readPosition();
    int end = maxEvents > 0 ? (int) Math.min(full.interactions().size(), position + maxEvents) : full.interactions().size();
    var plan = new ReplayPlan(full.dataset(), position == 0 ? full.items() : List.of(),
        full.interactions().subList((int) Math.min(position, end), end));
    var texts = new java.util.HashMap<String, String>();
    for (int i = 1; i <= dataset.numItems(); i++) {
      texts.put(dataset.catalog().externalId(i), dataset.catalog().text(i));
    }
    var registry = Observability.registry("demo");
    var live = new LiveDashboard(List.of(registry), LiveDashboard.defaultCharts(trainerLosses()),
        id -> texts.getOrDefault(id, id)).title("lrd-stream demo: " + dataset.name());
    var err = System.err;
    err.printf("demo: %s, %,d events to replay from position %,d at %s; state in %s%n", dataset.name(), plan.interactions().size(),
        position, rate > 0 ? rate + " events/s" : "full speed", dataDir.toAbsolutePath());
    try (var broker = EmbeddedKafkaBroker.start(0, dataDir.resolve("broker"));
        var text = TextEncoders.open(encoder, ExperimentCommand.defaultCacheDir().resolve("text-vectors"), EncoderOptions.defaults());
        var server = port < 0 ? null : MetricsServer.start(port, registry)) {
      var bootstrap = broker.bootstrapServers();
      TopicSetup.ensureTopics(bootstrap, 3);
      if (server != null) {
        server.page("/", "text/html; charset=utf-8", live::html);
        server.page("/api/status", "application/json", live::json);
        err.println("demo: live page at http://localhost:" + server.port() + "/ (metrics at /metrics)");
      }
      var ingest = IngestService.start(IngestConfig.defaults().withBootstrapServers(bootstrap)
          .withStateDir(dataDir.resolve("ingest-state")), Duration.ofMinutes(2));
      ingest.bindMetrics(registry);
      var tb = TrainerConfig.defaults(bootstrap, dataDir.resolve("checkpoints")).toBuilder();
      tb.model = ModelConfig.forName(model);
      tb.warmStart = warmStart;
      var relationsAt = new AtomicLong();
      var trainer = OnlineTrainer.start(tb.build(), text, registry, new OnlineTrainer.Listener() {
        @Override
        public void checkpointPublished(CheckpointMetadata meta, LrdModel m) {
          // the relations section: at most once a minute (the analysis reads the live model)
          if (System.nanoTime() - relationsAt.get() > 60e9) {
            relationsAt.set(System.nanoTime());
            live.relations(relationsSection(m, meta, dataset, texts));
          }
        }
      }, Duration.ofMinutes(5));
      var sb = ScorerConfig.defaults().toBuilder();
      sb.bootstrapServers = bootstrap;
      sb.stateDir = dataDir.resolve("scorer-state");
      sb.candidates = candidates;
      var scorer = ScorerService.start(sb.build(), Duration.ofMinutes(2));
      scorer.bindMetrics(registry);
      live.start();

      var firstRecommendation = new AtomicLong(-1);
      var recommendations = new AtomicLong();
      var lastShown = new AtomicLong(System.nanoTime());
      var stop = new CountDownLatch(1);
      var reader = new Thread(() -> readRecommendations(bootstrap, live, texts, recommendations, firstRecommendation,
          lastShown, started, stop), "lrd-demo-recommendations");
      reader.setDaemon(true);
      reader.start();

      var sent = new AtomicLong();
      var replayFailure = new AtomicReference<Exception>();
      var replay = new Thread(() -> {
        try {
          // A cold trainer publishes its first checkpoint after its first steps; until the scorer
          // serves one, events get no recommendation. So the first WARM_UP events go out, then the
          // replay waits (up to a minute) for a model to serve before it sends the rest.
          int warm = scorer.modelVersion() >= 0 ? 0 : Math.min(WARM_UP, plan.interactions().size());
          var first = new ReplayPlan(plan.dataset(), plan.items(), plan.interactions().subList(0, warm));
          var rest = new ReplayPlan(plan.dataset(), List.of(), plan.interactions().subList(warm, plan.interactions().size()));
          var replayer = new Replayer(bootstrap);
          if (warm > 0) {
            replayer.replay(first, rate, (done, total) -> {
              long events = Math.max(0, done - first.items().size());
              sent.set(events);
              writePosition(position + events);
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (scorer.modelVersion() < 0 && System.nanoTime() < deadline) {
              Thread.sleep(200);
            }
          }
          replayer.replay(rest, rate, (done, total) -> {
            sent.set(warm + done);
            writePosition(position + warm + done);
          });
        } catch (Exception e) {
          replayFailure.set(e);
        }
      }, "lrd-demo-replay");
      replay.setDaemon(true);
      replay.start();

      var shutdown = new Thread(() -> {
        stop.countDown();
        live.close();
        scorer.close();
        trainer.close(); // publishes a last checkpoint of what it trained since the previous one
        ingest.close();
        if (server != null) {
          server.close();
        }
        broker.close(); // a clean broker log for the next run (close is idempotent)
      }, "lrd-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdown);

      long target = plan.interactions().size();
      long lastStatus = 0;
      boolean terminal = System.console() != null;
      while (true) {
        Thread.sleep(1000);
        if (stop.getCount() == 0) {
          // Ctrl-C: the shutdown hook is closing every part; the JVM exits when it is done
          Thread.currentThread().join();
        }
        if (replayFailure.get() != null) {
          throw new IllegalStateException("replay failed: " + replayFailure.get().getMessage(), replayFailure.get());
        }
        for (var t : new Throwable[] {ingest.failure(), trainer.failure(), scorer.failure()}) {
          if (t != null) {
            throw new IllegalStateException("a role stopped: " + t.getMessage(), t);
          }
        }
        var scraped = new java.util.HashMap<String, Double>();
        LiveDashboard.parse(registry.scrape(), scraped);
        var status = status(scraped, sent.get(), recommendations.get(), scorer.modelVersion());
        if (terminal) {
          err.print("\r" + status + "   ");
          err.flush();
        } else if (System.nanoTime() - lastStatus > 10e9) {
          err.println(status);
          lastStatus = System.nanoTime();
        }
        // every replayed event is answered: a recommendation, or counted as arriving before any model
        double answered = recommendations.get() + scraped.getOrDefault("kafka_stream_lrd_scorer_events_without_model_total", 0.0);
        if (maxEvents > 0 && sent.get() >= target && answered >= target) {
          break;
        }
        if (maxEvents > 0 && sent.get() >= target && System.nanoTime() - started > Duration.ofMinutes(30).toNanos()) {
          break;
        }
      }
      if (terminal) {
        err.println();
      }
      Runtime.getRuntime().removeShutdownHook(shutdown);
      var summary = new LinkedHashMap<String, Object>();
      summary.put("events", sent.get());
      summary.put("recommendations", recommendations.get());
      summary.put("model_version", scorer.modelVersion());
      var last = new java.util.HashMap<String, Double>();
      LiveDashboard.parse(registry.scrape(), last);
      var hits = last.get("kafka_stream_lrd_scorer_online_hit10_sum_total");
      var count = last.get("kafka_stream_lrd_scorer_online_hit10_count_total");
      summary.put("online_hr10", hits == null || count == null || count == 0 ? null : hits / count);
      summary.put("first_recommendation_seconds", firstRecommendation.get() < 0 ? null : firstRecommendation.get() / 1e9);
      summary.put("seconds", (System.nanoTime() - started) / 1e9);
      if (keepServing > 0) {
        Thread.sleep(keepServing * 1000L);
      }
      shutdown.run();
      spec.commandLine().getOut().println(JSON.writeValueAsString(summary));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  private Path dataDirOrDefault() {
    if (data != null) {
      return data;
    }
    for (var p : List.of(Path.of("../shared/data/office"), Path.of("data/office"))) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no data set: give --data DIR (a ReChorus-format directory such as ../shared/data/office),"
        + " or get MovieLens with ./lrd data download ml-100k");
  }

  private long readPosition() throws java.io.IOException {
    var f = dataDir.resolve("replay-position");
    return Files.isRegularFile(f) ? Long.parseLong(Files.readString(f).strip()) : 0;
  }

  private void writePosition(long p) {
    try {
      DurableFiles.writeAtomically(dataDir.resolve("replay-position"), Long.toString(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The trainer's loss terms on the live page (the gauges of the last step). */
  static List<LiveDashboard.Line> trainerLosses() {
    return JointStep.TERMS.stream()
        .map(t -> LiveDashboard.Line.value(t, "lrd_trainer_loss{term=\"" + t + "\"}"))
        .toList();
  }

  /**
   * The relations section of the live page for the model just published: the similarity of its
   * relation embeddings and, with an LRD head, each relation's top item pairs among pairs of the
   * replayed data set's histories (mapped to the model's rows through the checkpoint's item ids).
   */
  private static String relationsSection(LrdModel m, CheckpointMetadata meta, Dataset data, Map<String, String> texts) {
    if (!m.config().lrdEnabled() || meta.path() == null) {
      return RelationsHtml.of(RelationAnalysis.similarityOnly(m), meta.version(), row -> Integer.toString(row));
    }
    List<String> ids;
    try {
      ids = JSON.convertValue(JSON.readTree(Path.of(meta.path()).resolve(CheckpointFiles.META).toFile()).path("items"),
          JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    } catch (java.io.IOException e) {
      return "<p>Cannot read the item ids of checkpoint v" + meta.version() + ": " + LiveDashboard.esc(e.getMessage()) + "</p>";
    }
    var rowOf = new java.util.HashMap<String, Integer>();
    int rows = Math.min(ids.size() - 1, m.items().numItems());
    for (int i = 1; i <= rows; i++) {
      rowOf.put(ids.get(i), i);
    }
    var candidates = org.lrdstream.trainer.analysis.TopPairs.candidatePairs(data, 20, 50_000, 1);
    var heads = new java.util.ArrayList<Integer>();
    var tails = new java.util.ArrayList<Integer>();
    for (int k = 0; k < candidates[0].length; k++) {
      var h = rowOf.get(data.catalog().externalId(candidates[0][k]));
      var t = rowOf.get(data.catalog().externalId(candidates[1][k]));
      if (h != null && t != null) {
        heads.add(h);
        tails.add(t);
      }
    }
    if (heads.isEmpty()) {
      return RelationsHtml.of(RelationAnalysis.similarityOnly(m), meta.version(), row -> Integer.toString(row));
    }
    var pairs = new int[][] {heads.stream().mapToInt(Integer::intValue).toArray(), tails.stream().mapToInt(Integer::intValue).toArray()};
    java.util.function.IntFunction<String> text = row -> row < ids.size() ? texts.getOrDefault(ids.get(row), ids.get(row)) : "";
    var result = RelationAnalysis.analyse(m, pairs, text, rows, new RelationAnalysis.Options(3, 20, 0, 2, 5, 1));
    return RelationsHtml.of(result, meta.version(), text);
  }

  /** The status line, from the same scrape the live page reads. */
  private static String status(Map<String, Double> m, long events, long recs, long version) {
    return String.format(Locale.ROOT,
        "events in %,d · rejected %,.0f · recommendations %,d · model v%d · trained %,.0f examples · online HR@10 %s · p99 %s ms",
        events, rejected(m), recs, version, m.getOrDefault("lrd_trainer_examples_total{kind=\"new\"}", 0.0),
        ratio(m, "kafka_stream_lrd_scorer_online_hit10_sum_total", "kafka_stream_lrd_scorer_online_hit10_count_total"),
        m.containsKey("kafka_stream_lrd_scorer_end_to_end_latency_ms_p99")
            ? String.format(Locale.ROOT, "%.0f", m.get("kafka_stream_lrd_scorer_end_to_end_latency_ms_p99")) : "–");
  }

  private static double rejected(Map<String, Double> m) {
    double sum = 0;
    for (var e : m.entrySet()) {
      if (e.getKey().startsWith("kafka_stream_lrd_ingest_rejected_") && e.getKey().endsWith("_total")) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  private static String ratio(Map<String, Double> m, String sum, String count) {
    var s = m.get(sum);
    var c = m.get(count);
    return s == null || c == null || c == 0 ? "–" : String.format(Locale.ROOT, "%.3f", s / c);
  }


  private void readRecommendations(String bootstrap, LiveDashboard live, Map<String, String> texts, AtomicLong count,
      AtomicLong first, AtomicLong lastShown, long started, CountDownLatch stop) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "lrd-demo-view");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), RecordSerdes.recommendation().deserializer())) {
      consumer.subscribe(List.of(Topics.RECOMMENDATIONS));
      while (stop.getCount() > 0) {
        for (var rec : consumer.poll(Duration.ofMillis(500))) {
          var r = rec.value();
          if (r == null) {
            continue;
          }
          if (count.incrementAndGet() == 1) {
            first.set(System.nanoTime() - started);
          }
          live.recommendation(r);
          if (showEvery > 0 && System.nanoTime() - lastShown.get() > showEvery * 1e9) {
            lastShown.set(System.nanoTime());
            System.err.println();
            System.err.println(show(r, texts));
          }
        }
      }
    } catch (RuntimeException e) {
      if (stop.getCount() > 0) {
        System.err.println("demo: reading recommendations stopped: " + e.getMessage());
      }
    }
  }

  static String show(Recommendation r, Map<String, String> texts) {
    var sb = new StringBuilder("user " + r.user() + " (model v" + r.modelVersion() + "), next items:");
    int k = 1;
    for (var it : r.items().subList(0, Math.min(3, r.items().size()))) {
      sb.append(String.format(Locale.ROOT, "%n  %d. %s", k++, shorten(texts.getOrDefault(it.item(), it.item()))));
      var why = it.reason();
      if (why != null && why.becauseOf() != null) {
        sb.append(String.format(Locale.ROOT, "%n     because of \"%s\" (%s)", shorten(texts.getOrDefault(why.becauseOf(), why.becauseOf())),
            why.relation() + (why.label() == null ? "" : ": " + why.label())));
      }
    }
    return sb.toString();
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 79) + "…";
  }
}

package org.lrdstream.app;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.encoder.EncoderOptions;
import org.lrdstream.encoder.TextEncoders;
import org.lrdstream.model.EntropySign;
import org.lrdstream.model.FrequencyInit;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.state.progress.ProgressBar;
import org.lrdstream.trainer.experiment.Experiment;
import org.lrdstream.trainer.experiment.RunRecord;
import org.lrdstream.trainer.experiment.Table3;
import org.lrdstream.trainer.experiment.TextVectorSource;
import org.lrdstream.trainer.offline.EpochLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd experiment}: the paper's offline protocol over a grid of models × seeds. */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains and evaluates models × seeds on a data set (the paper's Table 3).",
      "The paper's protocol (leave-one-out, 99 listed negatives, early stopping on dev NDCG@5);",
      "writes OUT/results.json, OUT/results.md",
      "(the paper's Table 3 layout with t-tests), OUT/curves.png and OUT/checkpoints/<model>-seed<N>/.",
      "Resumable: finished (model, seed) runs recorded in OUT are skipped when run again."
    })
public final class ExperimentCommand implements Callable<Integer> {

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "Data set in the ReChorus format (train/dev/test.csv, item_meta.csv, *.text), e.g. ../shared/data/office.")
  Path data;

  @Option(names = "--models", split = ",", defaultValue = "kda,kda+lrd", paramLabel = "M[,M...]",
      description = {"Models: rcf, rcf+lrd, kda, kda+lrd; the baselines caser, gru4rec, sasrec, tisasrec;",
          "ablations kda+lrd-llm (w/o LLM), kda+lrd-kge (w/o KGE);",
          "a name may end in @key=value[@key=value...] (latent, lambda, alpha, gamma, lr, l2, block=stacked|shared,",
          "lrd=mixture|expected|reference, entropy, kg=rows|pairs, freq=dft|random, lrdbeta2 (Adam's beta2 of LRD's classifier), lrdrestart=K (reset its moments after K one-hot epochs), ema=D (evaluate and keep a moving average of the parameters), dropout, layers, heads), e.g. kda+lrd@latent=5 or",
          "kda+lrd@block=shared@lrd=expected or sasrec@lr=1e-3@l2=0.",
          "Default: ${DEFAULT-VALUE}."})
  List<String> models;

  @Option(names = "--sweep", paramLabel = "KEY=V1,V2,...",
      description = {"Sensitivity sweep (the paper's Figure 6): every +LRD model of --models runs once per value,",
          "as <model>@KEY=V; KEY is latent or lambda (or alpha, gamma, lr, l2). Models without LRD run as",
          "given (the baseline). The report adds NDCG@5 against the value (results.md, sweep.png)."})
  String sweep;

  @Option(names = "--flag-columns", paramLabel = "ONE|EACH",
      description = {"How i_* columns of 0/1 flags (the MovieLens genres) become relations: one multi-valued",
          "share-genre (the paper's two MovieLens relations) or each flag its own relation (share-Action, ...,",
          "as the reference code reads them). Default: $LRD_FLAG_COLUMNS, else one."})
  org.lrdstream.data.ReChorusReader.FlagColumns flagColumns;

  @Option(names = "--table3",
      description = {"Run the paper's whole Table 3 instead of --models: Caser, GRU4Rec, SASRec and TiSASRec, each with",
          "the LRD paper's search (lr 1e-2|1e-3|1e-4 × L2 1e-4|1e-5|1e-6|0 on the first seed, selected on dev NDCG@5)",
          "and then its selected setting on the other seeds; RCF, RCF+LRD, KDA and KDA+LRD with their reference",
          "settings on every seed. Resumable; writes OUT/table3.md (the paper's layout, its numbers beside ours)."})
  boolean table3;

  @Option(names = "--seeds", defaultValue = "3", paramLabel = "N",
      description = "Number of seeds per model (seeds 1..N). Default: ${DEFAULT-VALUE}.")
  int seeds;

  @Option(names = "--first-seed", defaultValue = "1", paramLabel = "S",
      description = "First seed (seeds S..S+N-1), to run a grid in pieces. Default: ${DEFAULT-VALUE}.")
  int firstSeed;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output directory (created; re-used to resume).")
  Path out;

  @Option(names = "--max-epochs", defaultValue = "200", paramLabel = "E", description = "Maximum epochs per run. Default: ${DEFAULT-VALUE}.")
  int maxEpochs;

  @Option(names = "--patience", defaultValue = "10", paramLabel = "P",
      description = "Stop after P epochs without a better dev NDCG@5 (with --early-stop reference: the window of the never-rising rule). Default: ${DEFAULT-VALUE}.")
  int patience;

  @Option(names = "--early-stop", defaultValue = "patience", paramLabel = "RULE",
      description = {"When a run stops: patience (stop after --patience epochs without a better dev NDCG@5, MODEL.md's rule)",
          "or reference (the reference code's runner: past epoch 20, stop once the last --patience dev NDCG@5 never rose,",
          "or 20 epochs after the best; its logged runs used --patience 5). The tested model is the best dev epoch's either way.",
          "Runs under another rule belong in another --out. Default: ${DEFAULT-VALUE}."})
  String earlyStop;

  @Option(names = "--encoder", defaultValue = TextEncoders.DEFAULT_SPEC, paramLabel = "SPEC",
      description = "Text encoder: minilm or bge-small (embedded, offline), openai:<model> or openai:<model>@<base-url>. Default: ${DEFAULT-VALUE}.")
  String encoder;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Text vector cache. Default: $LRD_CACHE_DIR or ~/.cache/lrd-stream.")
  Path cacheDir;

  @Option(names = "--eval-batch", defaultValue = "0", paramLabel = "U",
      description = "Users per evaluation pass; 0 = about 4,000 (candidate, relation) rows per pass (8 users for KDA, 3 for KDA+LRD, 16 for a baseline). Default: ${DEFAULT-VALUE}.")
  int evalBatch;

  @Option(names = "--full-catalog-users", defaultValue = "0", paramLabel = "U",
      description = "Also rank the test item among all unseen items for U sampled users (-1: all; 0: off). Default: ${DEFAULT-VALUE}.")
  int fullCatalogUsers;

  // ---- hyper-parameter overrides (default: each model's reference settings, see README) ----
  @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default 1e-3 for KDA, 1e-4 for RCF).")
  Float lr;

  @Option(names = "--l2", paramLabel = "X", description = "L2 penalty (default 1e-6).")
  Float l2;

  @Option(names = "--latent", paramLabel = "K", description = "Latent relations of +LRD models (default 8 for KDA, 5 for RCF).")
  Integer latent;

  @Option(names = "--lambda", paramLabel = "X", description = "Weight λ of the LRD loss (default 10).")
  Float lambda;

  @Option(names = "--alpha", paramLabel = "X", description = "Weight α of the entropy term (default 0.1).")
  Float alpha;

  @Option(names = "--entropy", paramLabel = "SIGN", description = "The sign of LRD's entropy term: maximise (the paper, default), minimise (the reference code's sign), "
          + "balanced (this project: peaked per pair, relations used evenly) or reference (the reference code's exact term; any case).")
  EntropySign entropy;

  @Option(names = "--leave-one-latent", arity = "1", paramLabel = "BOOL",
      description = "Drop the sequence relation from LRD's reconstruction (default true, as the reference code).")
  Boolean leaveOneLatent;

  @Option(names = "--gamma", paramLabel = "X", description = "Weight γ of the KGE loss (default: #KG rows / #interactions, the reference code's: 1.14 on Office; 0 = w/o KGE).")
  Float gamma;

  @Option(names = "--layers", paramLabel = "L", description = "Self-attention layers across relations (default 5).")
  Integer layers;

  @Option(names = "--heads", paramLabel = "H", description = "Attention heads (default 4).")
  Integer heads;

  @Option(names = "--dropout", paramLabel = "X", description = "Dropout (default 0).")
  Float dropout;

  @Option(names = "--batch-size", paramLabel = "B", description = "Training batch size (default 256).")
  Integer batchSize;

  @Option(names = "--history", paramLabel = "N", description = "History length (default 20).")
  Integer history;

  @Option(names = "--negatives", paramLabel = "K", description = "Training negatives per example (default 1 = BPR).")
  Integer negatives;

  @Option(names = "--freq-init", paramLabel = "INIT", description = "KDA decay initialisation: DFT (default) or RANDOM (N(0, 1), the reference code's --freq_rand 1).")
  FrequencyInit freqInit;

  @Option(names = "--export-best", paramLabel = "DIR", description = {
      "Instead of training: write the best epoch saved so far by the run of --models M (one model) and",
      "--first-seed S in --out (still going or stopped) as a model checkpoint in DIR, for lrd relations,",
      "explain, the scorer or a warm start. Dev metrics only: the test split is not looked at."})
  Path exportBest;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec commandSpec;

  @Override
  public Integer call() {
    var err = System.err;
    if (table3) {
      var parsed = commandSpec.commandLine().getParseResult();
      for (var clash : new String[] {"--models", "--sweep", "--lr", "--l2"}) {
        if (parsed.hasMatchedOption(clash)) {
          throw new IllegalArgumentException("--table3 chooses the models and their learning rates and L2 itself: drop " + clash);
        }
      }
    }
    var dataset = ReChorusReader.read(data, flagColumns != null ? flagColumns
        : org.lrdstream.data.ReChorusReader.FlagColumns.fromEnvironment());
    err.println(dataset.summary());
    var flush = org.lrdstream.model.FlushDenormals.status();
    if (!flush.equals("on")) {
      err.println("note: subnormal floats are not flushed to zero, " + flush
          + "; KDA+LRD's epochs can be up to 3x slower while its classifier is one-hot");
    }
    var seedList = IntStream.range(firstSeed, firstSeed + seeds).boxed().toList();
    var spec = new Experiment.Spec(dataset, sweep == null ? models : sweepModels(models, sweep), seedList, out, maxEpochs, patience, evalBatch,
        fullCatalogUsers, this::override, org.lrdstream.trainer.offline.EarlyStop.parse(earlyStop));
    var text = new EncoderSource(encoder, cacheDir == null ? defaultCacheDir() : cacheDir, err);
    if (exportBest != null) {
      if (table3 || sweep != null || models.size() != 1) {
        throw new IllegalArgumentException("--export-best takes one model (--models M) and one seed (--first-seed S)");
      }
      int epoch = new Experiment(spec, text, err).exportBest(models.get(0), firstSeed, exportBest);
      err.println("wrote " + models.get(0) + " seed " + firstSeed + ", epoch " + epoch + " (the best saved so far), to " + exportBest);
      return 0;
    }
    if (table3) {
      var runs = Table3.run(spec, text, err, new Progress(err));
      System.out.println(readQuietly(out.resolve("table3.md")));
      return runs.isEmpty() ? 1 : 0;
    }
    var runs = new Experiment(spec, text, err).run(new Progress(err));
    err.println("results: " + out.resolve("results.md") + ", " + out.resolve("results.json") + ", " + out.resolve("curves.png"));
    System.out.println(java.nio.file.Files.exists(out.resolve("results.md")) ? readQuietly(out.resolve("results.md")) : "");
    return runs.isEmpty() ? 1 : 0;
  }

  /** The models of a sweep: each +LRD model once per value, as {@code model@key=value}. */
  List<String> sweepModels(List<String> models, String sweep) {
    int eq = sweep.indexOf('=');
    if (eq <= 0 || eq == sweep.length() - 1) {
      throw new IllegalArgumentException("--sweep wants KEY=V1,V2,... (e.g. latent=5,6,7,8,9,10), got '" + sweep + "'");
    }
    var key = sweep.substring(0, eq).strip();
    if (!ModelConfig.NAME_SETTINGS.contains(key)) {
      throw new IllegalArgumentException("--sweep: unknown key '" + key + "' (known: " + String.join(", ", ModelConfig.NAME_SETTINGS) + ")");
    }
    boolean clash = switch (key) {
      case "latent" -> latent != null;
      case "lambda" -> lambda != null;
      case "alpha" -> alpha != null;
      case "gamma" -> gamma != null;
      case "lr" -> lr != null;
      case "l2" -> l2 != null;
      default -> false;
    };
    if (clash) {
      throw new IllegalArgumentException("--sweep " + key + "=... and --" + key + " both set " + key + ": give one");
    }
    var out = new ArrayList<String>();
    for (var m : models) {
      if (!ModelConfig.forName(m).lrdEnabled()) {
        out.add(m);
        continue;
      }
      for (var v : sweep.substring(eq + 1).split(",")) {
        var name = m + "@" + key + "=" + v.strip();
        ModelConfig.forName(name); // a bad value fails before any work
        out.add(name);
      }
    }
    return out;
  }

  private static String readQuietly(Path p) {
    try {
      return java.nio.file.Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  static Path defaultCacheDir() {
    var env = System.getenv("LRD_CACHE_DIR");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "lrd-stream");
  }

  private ModelConfig override(ModelConfig c) {
    var b = c.toBuilder();
    if (lr != null) b.learningRate(lr);
    if (l2 != null) b.l2(l2);
    if (latent != null && c.latentRelations() > 0) b.latentRelations(latent);
    if (lambda != null && c.lambdaLrd() > 0) b.lambdaLrd(lambda);
    if (alpha != null) b.alphaEntropy(alpha);
    if (entropy != null) b.entropySign(entropy);
    if (leaveOneLatent != null) b.leaveOneLatent(leaveOneLatent);
    if (gamma != null && c.gammaKge() != 0) b.gammaKge(gamma);
    if (layers != null) b.layers(layers);
    if (heads != null) b.heads(heads);
    if (dropout != null) b.dropout(dropout);
    if (batchSize != null) b.batchSize(batchSize);
    if (history != null) b.historyMax(history);
    if (negatives != null) b.trainNegatives(negatives);
    if (freqInit != null) b.freqInit(freqInit);
    return b.build();
  }

  /** Item text vectors from a cached text encoder, opened only when a run needs them. */
  static final class EncoderSource implements TextVectorSource {
    private final String spec;
    private final Path cacheDir;
    private final PrintStream progress;
    private String id;

    EncoderSource(String spec, Path cacheDir, PrintStream progress) {
      this.spec = spec;
      this.cacheDir = cacheDir;
      this.progress = progress;
    }

    @Override
    public String id() {
      if (id == null) {
        // The id is recorded even when every run is already finished: open the encoder lazily.
        try (var e = TextEncoders.open(spec, cacheDir.resolve("text-vectors"), EncoderOptions.defaults())) {
          id = e.id();
        }
      }
      return id;
    }

    @Override
    public float[][] vectors(Catalog catalog) {
      try (var e = TextEncoders.open(spec, cacheDir.resolve("text-vectors"), EncoderOptions.defaults())) {
        id = e.id();
        var texts = new ArrayList<String>();
        for (int i = 1; i <= catalog.numItems(); i++) {
          texts.add(catalog.text(i));
        }
        var v = e.encode(texts);
        var out = new float[catalog.numItems() + 1][];
        out[0] = new float[v.length > 0 ? v[0].length : 0];
        System.arraycopy(v, 0, out, 1, v.length);
        return out;
      }
    }
  }

  /** Progress on stderr: a bar per epoch on a terminal, a line per epoch and per run. */
  static final class Progress implements Experiment.Listener {
    private final PrintStream err;
    private final boolean terminal = System.console() != null;
    private ProgressBar bar;
    private String run = "";
    private int batches;

    Progress(PrintStream err) {
      this.err = err;
    }

    @Override
    public void runStarted(String model, int seed, int index, int total, int batchesPerEpoch, int maxEpochs) {
      run = model + " seed " + seed;
      batches = batchesPerEpoch;
      err.printf("run %d/%d: %s (%d batches per epoch, at most %d epochs)%n", index, total, run, batchesPerEpoch, maxEpochs);
    }

    @Override
    public void resumed(int epoch, int bestEpoch) {
      err.printf("%s: resuming after epoch %d (best so far: epoch %d)%n", run, epoch, bestEpoch);
    }

    @Override
    public void lrdRestarted(int epoch, int epochs) {
      err.printf("%s epoch %d: LRD's classifier one-hot for %d epoch%s in a row: its Adam moments reset (lrdrestart)%n",
          run, epoch, epochs, epochs == 1 ? "" : "s");
    }

    @Override
    public void nonFinite(int epoch, int batch, String problem, boolean repeatFinite) {
      err.printf("%s epoch %d batch %d: %s; %s%n", run, epoch, batch, problem,
          repeatFinite ? "the same batch computed again was finite and was used" : "again when computed again: batch skipped");
    }

    @Override
    public void runSkipped(String model, int seed) {
      err.printf("run %s seed %d: already finished, skipped%n", model, seed);
    }

    @Override
    public void batchDone(int epoch, int batch, int total, double loss) {
      if (!terminal) {
        return;
      }
      if (bar == null) {
        bar = new ProgressBar(run + " epoch " + epoch, total, err);
      }
      bar.step(1);
      if (batch == total) {
        bar.close();
        bar = null;
      }
    }

    @Override
    public void epochDone(EpochLog l, boolean best) {
      err.printf("%s epoch %d: loss %.4f (rec %.4f kge %.4f lrd %.4f H %.3f) dev %s  [%.1fs train, %.1fs eval]%s%n",
          run, l.epoch(), l.loss(), l.rec(), l.kge(), l.lrd(), l.entropy(), l.dev(), l.trainSeconds(),
          l.evalSeconds(), best ? " *" : "");
    }

    @Override
    public void runDone(RunRecord r) {
      err.printf("%s done: %d epochs, best %d, test %s%n", run, r.epochs(), r.bestEpoch(), r.test());
    }
  }

}

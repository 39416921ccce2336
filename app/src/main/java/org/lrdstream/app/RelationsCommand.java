package org.lrdstream.app;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.encoder.OpenAiCompatibleChat;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.RelationLabels;
import org.lrdstream.trainer.analysis.RelationAnalysis;
import org.lrdstream.trainer.analysis.RelationReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd relations}: what LRD discovered in a checkpoint (the paper's section 4.4). */
@Command(
    name = "relations",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows what LRD discovered: relation similarity, top item pairs and labels.",
      "Analyses the relations of a trained +LRD checkpoint: the cosine similarity of all relation",
      "embeddings (OUT/similarity.png, the paper's Figure 3), the item pairs from real histories that",
      "each relation explains best, with their texts (the paper's Figure 4), and a short label per",
      "relation from the words that distinguish its pairs (TF-IDF), optionally refined by a chat model.",
      "Writes OUT/relations.md and OUT/relations.json; stores the labels beside the checkpoint",
      "(relation-labels.json), where the scorer's reasons and lrd explain find them."
    })
public final class RelationsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "CKPT",
      description = "Checkpoint directory (e.g. OUT/checkpoints/kda+lrd-seed1 of lrd experiment).")
  Path checkpoint;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The data set the checkpoint was trained on (ReChorus format): histories and item texts.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output directory (created).")
  Path out;

  @Option(names = "--top", defaultValue = "10", paramLabel = "N", description = "Item pairs listed per relation. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--window", defaultValue = "20", paramLabel = "W",
      description = "Candidate pairs: items at most W steps apart in a training sequence (LRD's pairs). Default: ${DEFAULT-VALUE}.")
  int window;

  @Option(names = "--max-pairs", defaultValue = "500000", paramLabel = "P",
      description = "Score a seeded sample of at most P candidate pairs (0: all). Default: ${DEFAULT-VALUE}.")
  int maxPairs;

  @Option(names = "--max-per-item", defaultValue = "2", paramLabel = "M",
      description = "At most M of a relation's listed pairs share an item (0: no limit). Default: ${DEFAULT-VALUE}.")
  int maxPerItem;

  @Option(names = "--keywords", defaultValue = "8", paramLabel = "K", description = "Distinguishing words kept per relation. Default: ${DEFAULT-VALUE}.")
  int keywords;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the pair sample. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--chat", paramLabel = "SPEC",
      description = {"Refine the latent relations' labels with an OpenAI-compatible chat model:",
          "openai[:<model>] (key in OPENAI_API_KEY) or openai:<model>@<base-url> for a local server."})
  String chat;

  @Option(names = "--store-labels", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Store the labels beside the checkpoint (--no-store-labels: only write OUT). Default: ${DEFAULT-VALUE}.")
  boolean storeLabels;

  @Override
  public Integer call() {
    var dataset = ReChorusReader.read(data);
    var c = CheckpointFiles.read(checkpoint);
    CheckpointData.checkSameItems(c, dataset, checkpoint, data);
    RelationAnalysis.Result result;
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelCheckpoint.fromCheckpoint(c, manager, null)) {
      if (!model.config().lrdEnabled()) {
        System.err.println("relations: " + checkpoint + " has no LRD head: only the relation embeddings' similarity is analysed");
      }
      System.err.printf(Locale.ROOT, "relations: scoring item pairs of %s with %s's LRD classifier ...%n", dataset.name(), checkpoint);
      result = RelationAnalysis.analyse(model, dataset,
          new RelationAnalysis.Options(top, window, maxPairs, maxPerItem, keywords, seed));
    }
    if (chat != null && result.candidatePairs() > 0) {
      var client = OpenAiCompatibleChat.open(chat);
      System.err.println("relations: asking " + client.id() + " to name the latent relations ...");
      result = RelationAnalysis.relabel(result, (rel, tfidf) -> client.ask(
          "You name the relation a recommender discovered between items. Answer with a name of at most four words, nothing else.",
          prompt(rel, dataset)), "tf-idf refined by " + client.id());
    }
    var source = checkpoint.getFileName() + " on " + dataset.name();
    RelationReport.write(result, dataset.catalog(), source, out);
    if (storeLabels && result.candidatePairs() > 0) {
      var labels = new java.util.LinkedHashMap<String, String>();
      result.relations().forEach(r -> labels.put(r.name(), r.label()));
      new RelationLabels(labels, result.labelSource()).writeTo(checkpoint);
    }
    for (var r : result.relations()) {
      if (result.candidatePairs() > 0) {
        spec.commandLine().getOut().printf(Locale.ROOT, "%-16s %-40s first choice %5.1f%%%n", r.name(), r.label(), 100 * r.argmaxShare());
      }
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "mean cosine: predefined %.3f, latent %.3f, across %.3f; wrote %s%n",
        result.groupMeans()[0], result.groupMeans()[1], result.groupMeans()[2], out.resolve("relations.md"));
    return 0;
  }

  private static String prompt(RelationAnalysis.Relation rel, Dataset data) {
    var sb = new StringBuilder("Item pairs (earlier item -> later item in a user's history) that this relation links most strongly:\n");
    int i = 1;
    for (var p : rel.topPairs()) {
      sb.append(i++).append(". ").append(data.catalog().text(p.head())).append("  ->  ").append(data.catalog().text(p.tail())).append('\n');
    }
    sb.append("Words that distinguish these items from the rest of the catalog: ")
        .append(String.join(", ", rel.keywords().stream().map(k -> k.word()).toList()))
        .append("\nWhat relation links the earlier item to the later one?");
    return sb.toString();
  }
}

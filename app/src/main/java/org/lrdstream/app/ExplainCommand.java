package org.lrdstream.app;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.ReChorusReader;
import org.lrdstream.model.LrdModel;
import org.lrdstream.model.ModelCheckpoint;
import org.lrdstream.state.checkpoint.CheckpointFiles;
import org.lrdstream.state.checkpoint.RelationLabels;
import org.lrdstream.trainer.analysis.CaseStudy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lrd explain}: one user's recommendation explained (the paper's Figure 5). */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explains one user's recommendations (the paper's case study).",
      "A case study of one user: their history, the held-out target's rank among its listed",
      "candidates with LRD and under a vanilla backbone, for each history item the relation that",
      "links it to the target (by LRD's classifier and by the model's relation intensities), and",
      "the top recommendations over the whole catalog with their reasons. Prints Markdown (or JSON)."
    })
public final class ExplainCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final int TEXT_CHARS = 70;

  @Option(names = "--checkpoint", required = true, paramLabel = "CKPT", description = "The model to explain (a +LRD checkpoint).")
  Path checkpoint;

  @Option(names = "--baseline", paramLabel = "CKPT", description = "A vanilla backbone's checkpoint to compare ranks with (e.g. kda-seed1).")
  Path baseline;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data set both were trained on (ReChorus format).")
  Path data;

  @Option(names = "--user", required = true, paramLabel = "U", description = "User id, as in the data set's files.")
  int user;

  @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = "test or dev: which held-out row is the target. Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "Recommendations listed. Default: ${DEFAULT-VALUE}.")
  int top;

  @Option(names = "--json", description = "Print JSON instead of Markdown.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!split.equals("test") && !split.equals("dev")) {
      throw new IllegalArgumentException("--split must be test or dev, got '" + split + "'");
    }
    var dataset = ReChorusReader.read(data);
    var c = CheckpointFiles.read(checkpoint);
    CheckpointData.checkSameItems(c, dataset, checkpoint, data);
    var labels = RelationLabels.readFrom(checkpoint);
    CaseStudy.Result result;
    try (var manager = NDManager.newBaseManager("PyTorch");
        var model = ModelCheckpoint.fromCheckpoint(c, manager, null);
        var base = baseline == null ? null : loadBaseline(manager, dataset)) {
      result = CaseStudy.explain(model, base, dataset, user, split.equals("test"), top);
    }
    if (json) {
      spec.commandLine().getOut().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    } else {
      spec.commandLine().getOut().print(markdown(result, dataset.catalog(), labels));
    }
    return 0;
  }

  private LrdModel loadBaseline(NDManager manager, org.lrdstream.data.Dataset dataset) {
    var b = CheckpointFiles.read(baseline);
    CheckpointData.checkSameItems(b, dataset, baseline, data);
    return ModelCheckpoint.fromCheckpoint(b, manager, null);
  }

  private String markdown(CaseStudy.Result r, Catalog catalog, RelationLabels labels) {
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "# User %d: %s target %s%n%n", r.user(), r.test() ? "test" : "dev", item(catalog, r.target())));
    sb.append(String.format(Locale.ROOT, "Rank of the target among its %d candidates: **%d** with %s", r.candidates(), r.rank() + 1,
        checkpoint.getFileName()));
    if (r.baselineRank() >= 0) {
      sb.append(String.format(Locale.ROOT, ", %d with %s", r.baselineRank() + 1, baseline.getFileName()));
    }
    sb.append(" (1 = first).\n\n## History, oldest first, and how each item relates to the target\n\n");
    sb.append("| # | time | item | LRD classifier | relation intensity |\n| ---: | --- | --- | --- | --- |\n");
    int k = 1;
    for (var h : r.history()) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", k++, Instant.ofEpochSecond(h.time()).toString().substring(0, 10),
          item(catalog, h.item()),
          h.lrdRelation() == null ? "" : String.format(Locale.ROOT, "%s (%.2f)", labels.display(h.lrdRelation()), h.lrdProbability()),
          h.intensityRelation() == null ? "(beyond the history window)"
              : String.format(Locale.ROOT, "%s (%.3f)", labels.display(h.intensityRelation()), h.intensity())));
    }
    sb.append("\n## Top recommendations over the whole catalog (seen items excluded)\n\n");
    appendTop(sb, r.top(), r.target(), catalog, labels);
    if (!r.baselineTop().isEmpty()) {
      sb.append("\n## Top recommendations of ").append(baseline.getFileName()).append("\n\n");
      appendTop(sb, r.baselineTop(), r.target(), catalog, labels);
    }
    return sb.toString();
  }

  private static void appendTop(StringBuilder sb, java.util.List<CaseStudy.Recommended> top, int target, Catalog catalog, RelationLabels labels) {
    sb.append("| # | item | score | because of | relation |\n| ---: | --- | ---: | --- | --- |\n");
    int k = 1;
    for (var t : top) {
      sb.append(String.format(Locale.ROOT, "| %d | %s%s | %.3f | %s | %s |%n", k++, item(catalog, t.item()),
          t.item() == target ? " **(target)**" : "", t.score(), item(catalog, t.becauseOf()), labels.display(t.relation())));
    }
  }

  private static String item(Catalog catalog, int item) {
    var id = catalog.externalId(item);
    var text = catalog.text(item).replaceAll("\\s+", " ").strip();
    if (text.length() > TEXT_CHARS) {
      text = text.substring(0, TEXT_CHARS - 1) + "…";
    }
    return ("`" + id + "` " + text).replace("|", "\\|");
  }
}

package org.lrdstream.trainer.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.lrdstream.data.Catalog;
import org.lrdstream.state.checkpoint.DurableFiles;

/**
 * Writes a {@link RelationAnalysis.Result}: {@code relations.md} (the similarity table, each
 * relation's label, share and top pairs with their texts), {@code relations.json} (the same, for
 * tools) and {@code similarity.png} (the heatmap of the paper's Figure 3).
 */
public final class RelationReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final int TEXT_CHARS = 90;

  private RelationReport() {}

  public static void write(RelationAnalysis.Result r, Catalog catalog, String source, Path out) {
    try {
      Files.createDirectories(out);
      DurableFiles.writeAtomically(out.resolve("relations.md"), markdown(r, catalog, source).getBytes(StandardCharsets.UTF_8));
      DurableFiles.writeAtomically(out.resolve("relations.json"), JSON.writeValueAsBytes(json(r, catalog, source)));
      var png = new ByteArrayOutputStream();
      ImageIO.write(heatmap(r.names(), r.similarity()), "png", png);
      DurableFiles.writeAtomically(out.resolve("similarity.png"), png.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the relation report to " + out + ": " + e.getMessage(), e);
    }
  }

  static String markdown(RelationAnalysis.Result r, Catalog catalog, String source) {
    var sb = new StringBuilder();
    sb.append("# Relations of ").append(source).append("\n\n");
    sb.append("## Cosine similarity of the relation embeddings\n\n");
    sb.append(String.format(Locale.ROOT, "Mean similarity within the predefined relations %.3f, within the latent ones %.3f, "
        + "between the two groups %.3f (`sequence` and the diagonal left out).%n%n", r.groupMeans()[0], r.groupMeans()[1], r.groupMeans()[2]));
    sb.append("| |");
    r.names().forEach(n -> sb.append(' ').append(n).append(" |"));
    sb.append("\n| --- |");
    r.names().forEach(n -> sb.append(" ---: |"));
    sb.append('\n');
    for (int i = 0; i < r.names().size(); i++) {
      sb.append("| ").append(r.names().get(i)).append(" |");
      for (int j = 0; j < r.names().size(); j++) {
        sb.append(String.format(Locale.ROOT, " %.2f |", r.similarity()[i][j]));
      }
      sb.append('\n');
    }
    if (r.candidatePairs() == 0) {
      sb.append("\nThis model has no LRD head: no relation distribution, top pairs or labels.\n");
      return sb.toString();
    }
    sb.append(String.format(Locale.ROOT, "%n## Relations, their labels and top item pairs%n%n"
        + "Over %,d candidate pairs (items close together in real training sequences); *first choice* is the "
        + "share of pairs whose most probable relation it is; labels: %s.%n%n", r.candidatePairs(), r.labelSource()));
    sb.append("| relation | label | first choice | mean probability | distinguishing words |\n| --- | --- | ---: | ---: | --- |\n");
    for (var rel : r.relations()) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %.1f%% | %.3f | %s |%n", rel.name(), escape(rel.label()),
          100 * rel.argmaxShare(), rel.meanProbability(),
          String.join(", ", rel.keywords().stream().map(RelationLabeler.Keyword::word).toList())));
    }
    for (var rel : r.relations()) {
      sb.append("\n### ").append(rel.name()).append(" — ").append(escape(rel.label())).append("\n\n");
      if (rel.topPairs().isEmpty()) {
        sb.append("(no pairs)\n");
        continue;
      }
      sb.append("| p | earlier item | later item |\n| ---: | --- | --- |\n");
      for (var p : rel.topPairs()) {
        sb.append(String.format(Locale.ROOT, "| %.3f | %s | %s |%n", p.probability(),
            itemCell(catalog, p.head()), itemCell(catalog, p.tail())));
      }
    }
    return sb.toString();
  }

  private static String itemCell(Catalog catalog, int item) {
    var id = catalog.externalId(item);
    var text = catalog.text(item).replaceAll("\\s+", " ").strip();
    if (text.length() > TEXT_CHARS) {
      text = text.substring(0, TEXT_CHARS - 1) + "…";
    }
    return "`" + id + "` " + escape(text);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|");
  }

  static Map<String, Object> json(RelationAnalysis.Result r, Catalog catalog, String source) {
    var m = new LinkedHashMap<String, Object>();
    m.put("source", source);
    m.put("relations", r.names());
    m.put("similarity", r.similarity());
    m.put("mean_similarity", Map.of("within_predefined", nullIfNaN(r.groupMeans()[0]),
        "within_latent", nullIfNaN(r.groupMeans()[1]), "across", nullIfNaN(r.groupMeans()[2])));
    m.put("candidate_pairs", r.candidatePairs());
    m.put("label_source", r.labelSource());
    var rels = new ArrayList<Map<String, Object>>();
    for (var rel : r.relations()) {
      var e = new LinkedHashMap<String, Object>();
      e.put("name", rel.name());
      e.put("latent", rel.latent());
      e.put("label", rel.label());
      e.put("first_choice_share", rel.argmaxShare());
      e.put("mean_probability", rel.meanProbability());
      e.put("keywords", rel.keywords().stream().map(k -> Map.of("word", k.word(), "score", k.score(), "items", k.itemsWithIt())).toList());
      var pairs = new ArrayList<Map<String, Object>>();
      for (var p : rel.topPairs()) {
        var pm = new LinkedHashMap<String, Object>();
        pm.put("probability", p.probability());
        pm.put("head", p.head());
        pm.put("tail", p.tail());
        pm.put("head_text", catalog.text(p.head()));
        pm.put("tail_text", catalog.text(p.tail()));
        pairs.add(pm);
      }
      e.put("top_pairs", pairs);
      rels.add(e);
    }
    m.put("by_relation", rels);
    return m;
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** A labelled heatmap of a similarity matrix in [-1, 1]: blue negative, white 0, red positive. */
  static BufferedImage heatmap(List<String> names, double[][] sim) {
    int n = names.size();
    int cell = 48;
    int left = 130;
    int top = 40;
    int bottom = 120;
    int w = left + n * cell + 20;
    int h = top + n * cell + bottom;
    var img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    var g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString("Cosine similarity of relation embeddings", left, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    var fm = g.getFontMetrics();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = Math.max(-1, Math.min(1, sim[i][j]));
        g.setColor(colour(v));
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        g.setColor(Math.abs(v) > 0.6 ? Color.WHITE : Color.BLACK);
        var s = String.format(Locale.ROOT, "%.2f", v);
        g.drawString(s, left + j * cell + (cell - fm.stringWidth(s)) / 2, top + i * cell + cell / 2 + 4);
      }
      g.setColor(Color.BLACK);
      var name = names.get(i);
      g.drawString(name, left - 6 - fm.stringWidth(name), top + i * cell + cell / 2 + 4);
      var t = g.getTransform();
      g.rotate(Math.toRadians(-60), left + i * cell + cell / 2.0, top + n * cell + 8);
      g.drawString(name, left + i * cell + cell / 2 - fm.stringWidth(name), top + n * cell + 8 + 4);
      g.setTransform(t);
    }
    g.setStroke(new BasicStroke(1));
    g.setColor(Color.GRAY);
    g.drawRect(left, top, n * cell, n * cell);
    g.dispose();
    return img;
  }

  private static Color colour(double v) {
    // white at 0, towards red (1) or blue (-1)
    float a = (float) Math.abs(v);
    if (v >= 0) {
      return new Color(1f, 1f - 0.8f * a, 1f - 0.8f * a);
    }
    return new Color(1f - 0.8f * a, 1f - 0.8f * a, 1f);
  }
}

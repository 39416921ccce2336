package org.lrdstream.app.live;

import java.util.Locale;
import java.util.function.IntFunction;
import org.lrdstream.trainer.analysis.RelationAnalysis;

/** The live page's relations section: the similarity heatmap and each relation's top pairs. */
public final class RelationsHtml {
  private RelationsHtml() {}

  /** @param itemText an item's text by its row */
  public static String of(RelationAnalysis.Result r, long version, IntFunction<String> itemText) {
    var sb = new StringBuilder();
    int n = r.names().size();
    int cell = 34;
    int left = 110;
    sb.append(String.format(Locale.ROOT, "<p>Model v%d: cosine similarity of the relation embeddings (the paper's Figure 3); "
        + "mean within predefined %.2f, within latent %.2f, across %.2f.</p>", version, r.groupMeans()[0], r.groupMeans()[1], r.groupMeans()[2]));
    sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"").append(left + n * cell + 10)
        .append("\" height=\"").append(n * cell + 10).append("\">");
    for (int i = 0; i < n; i++) {
      sb.append("<text x=\"").append(left - 4).append("\" y=\"").append(i * cell + cell / 2 + 4)
          .append("\" font-size=\"10\" text-anchor=\"end\">").append(LiveDashboard.esc(r.names().get(i))).append("</text>");
      for (int j = 0; j < n; j++) {
        double v = Math.max(-1, Math.min(1, r.similarity()[i][j]));
        int a = (int) Math.round(200 * Math.abs(v));
        String fill = v >= 0 ? String.format("rgb(255,%d,%d)", 255 - a, 255 - a) : String.format("rgb(%d,%d,255)", 255 - a, 255 - a);
        sb.append("<rect x=\"").append(left + j * cell).append("\" y=\"").append(i * cell).append("\" width=\"").append(cell)
            .append("\" height=\"").append(cell).append("\" fill=\"").append(fill).append("\"><title>")
            .append(LiveDashboard.esc(r.names().get(i) + " / " + r.names().get(j)))
            .append(String.format(Locale.ROOT, ": %.2f", v)).append("</title></rect>");
      }
    }
    sb.append("</svg>");
    if (r.candidatePairs() == 0) {
      return sb.append("<p>Top item pairs per relation: <code>lrd relations --checkpoint CKPT --data DIR --out OUT</code>.</p>").toString();
    }
    sb.append("<table><tr><th>relation</th><th>label</th><th>first choice</th><th>top pairs (earlier → later)</th></tr>");
    for (var rel : r.relations()) {
      sb.append("<tr><td>").append(LiveDashboard.esc(rel.name())).append("</td><td>").append(LiveDashboard.esc(rel.label()))
          .append(String.format(Locale.ROOT, "</td><td>%.1f%%</td><td>", 100 * rel.argmaxShare()));
      for (var p : rel.topPairs().subList(0, Math.min(3, rel.topPairs().size()))) {
        sb.append(LiveDashboard.esc(shorten(itemText.apply(p.head())))).append(" → ")
            .append(LiveDashboard.esc(shorten(itemText.apply(p.tail())))).append("<br>");
      }
      sb.append("</td></tr>");
    }
    return sb.append("</table>").toString();
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 59) + "…";
  }
}

package org.lrdstream.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.lrdstream.data.DatasetSummary;
import org.lrdstream.data.PreparedDataset;

/** What the data commands print once a data set is written: its notes, summary and place. */
final class DataReport {
  private DataReport() {}

  static void written(PrintWriter out, PreparedDataset prepared, Path dir) {
    prepared.notes().forEach(n -> out.println("note: " + n));
    out.print(DatasetSummary.of(prepared.dataset()).render());
    out.println("written to    " + dir.toAbsolutePath().normalize());
    out.println("next          lrd experiment --data " + dir + " ...");
    out.flush();
  }
}

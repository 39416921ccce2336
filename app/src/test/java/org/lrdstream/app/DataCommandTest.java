package org.lrdstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.ReChorusReader;

class DataCommandTest {
  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {}

  static Run lrd(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cl = LrdCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Path shared(String name) {
    for (var base : new Path[] {Path.of("../../shared/data"), Path.of("../shared/data")}) {
      var p = base.resolve(name);
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new IllegalStateException("shared data set not found: " + name);
  }

  @Test
  void prepareThenInfoShowTheMovieLensCounts() {
    var out = tmp.resolve("ml");
    var run = lrd("data", "prepare", "ml-100k", "--raw", shared("ml-100k").toString(), "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("users         943").contains("items         1,349").contains("interactions  99,287");
    var info = lrd("data", "info", "--data", out.toString());
    assertThat(info.exitCode()).as(info.err()).isZero();
    assertThat(info.out())
        .contains("users         943")
        .containsPattern("share-year +[0-9,]+ item pairs +[0-9,]+ KG rows")
        .containsPattern("share-genre +[0-9,]+ item pairs +[0-9,]+ KG rows")
        .containsPattern("KGE γ = auto +0\\.0[0-9]+ ")
        .contains("item texts    1,349 of 1,349 items (100.0%)");
  }

  @Test
  void downloadTakesALocalCopyWithFrom() {
    var out = tmp.resolve("dl");
    var run = lrd("data", "download", "ml-100k", "--from", shared("ml-100k").toString(), "--out", out.toString(), "--seed", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    var d = ReChorusReader.read(out);
    assertThat(d.numUsers()).isEqualTo(943);
    assertThat(d.numItems()).isEqualTo(1349);
  }

  @Test
  void anOfflineDownloadFailsWithOneMessage() throws IOException {
    int port;
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var url = "http://127.0.0.1:" + port + "/ml-100k.zip";
    var run = lrd("data", "download", "ml-100k", "--from", url, "--out", tmp.resolve("x").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines().findFirst().orElseThrow()).isEqualTo("error: cannot download " + url
        + ": connection refused; if this machine is offline, pass --from with a copy of ml-100k"
        + " (the unpacked directory or ml-100k.zip)");
    assertThat(run.err()).doesNotContain("caused by").doesNotContain("\tat ");
  }

  @Test
  void anUnknownDataSetIsRefused() {
    var run = lrd("data", "download", "ml-1m");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown data set 'ml-1m'; available: ml-100k");
  }

  @Test
  void importWritesAReadableDataSetWithMappings() throws IOException {
    var events = new ArrayList<String>(List.of("user,item,timestamp"));
    var catalog = new ArrayList<String>();
    for (int i = 1; i <= 12; i++) {
      catalog.add("{\"item\": \"sku-" + i + "\", \"text\": \"Product " + i + "\", \"attributes\": {\"brand\": \"b"
          + (i % 3) + "\"}, \"relations\": {\"also_view\": [\"sku-" + (i % 12 + 1) + "\"]}}");
    }
    for (int u = 1; u <= 8; u++) {
      for (int k = 0; k < 6; k++) {
        events.add("user-" + u + ",sku-" + ((u + k) % 12 + 1) + ",2024-05-0" + (k + 1) + "T10:00:0" + u + "Z");
      }
    }
    var csv = Files.write(tmp.resolve("events.csv"), events);
    var items = Files.write(tmp.resolve("items.jsonl"), catalog);
    var out = tmp.resolve("shop");
    var run = lrd("data", "import", "--interactions", csv.toString(), "--items", items.toString(),
        "--out", out.toString(), "--min-count", "3");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("share-brand").contains("also-view");
    assertThat(out.resolve("shop.user2index")).exists();
    assertThat(out.resolve("shop.item2index")).exists();
    var d = ReChorusReader.read(out);
    assertThat(d.numUsers()).isEqualTo(8);
    assertThat(d.catalog().originalIds()[1]).startsWith("sku-");
  }

  @Test
  void aBadImportLineIsNamedWithoutAStackTrace() throws IOException {
    var csv = Files.write(tmp.resolve("events.csv"), List.of("user,item,timestamp", "a,b,1", "a,b,soon"));
    var items = Files.write(tmp.resolve("items.jsonl"), List.of("{\"item\": \"b\"}"));
    var run = lrd("data", "import", "--interactions", csv.toString(), "--items", items.toString(),
        "--out", tmp.resolve("o").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("error: " + csv + ":3: timestamp 'soon' is neither").doesNotContain("\tat ");
  }

  @Test
  void everyDataOptionIsDocumented() {
    var data = LrdCommand.commandLine().getSubcommands().get("data");
    for (var sub : data.getSubcommands().values()) {
      for (var option : sub.getCommandSpec().options()) {
        assertThat(String.join(" ", option.description())).as(sub.getCommandName() + " " + option.longestName())
            .isNotBlank();
        if (!option.required() && !option.usageHelp() && !option.versionHelp() && !option.longestName().equals("--name")) {
          assertThat(String.join(" ", option.description())).as(sub.getCommandName() + " " + option.longestName())
              .contains("default");
        }
      }
    }
  }
}

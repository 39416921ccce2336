package org.lrdstream.data.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.data.DataFormatException;
import org.lrdstream.data.MovieLens100k;
import org.lrdstream.data.TinyMovieLens;

/** Only 127.0.0.1: the tests never reach out to a real network address. */
class MovieLensDownloadTest {
  @TempDir Path tmp;
  private HttpServer server;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(err, true, StandardCharsets.UTF_8);

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serve(String path, int status, byte[] body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      boolean found = exchange.getRequestURI().getPath().equals(path);
      var bytes = found ? body : "not found".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(found ? status : 404, bytes.length);
      try (var out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void downloadsUnpacksAndPreparesTheZip() throws IOException {
    var base = serve("/datasets/ml-100k.zip", 200, TinyMovieLens.zip());
    var raw = MovieLensDownload.fetch(base + "/datasets/ml-100k.zip", tmp.resolve("raw"), progress);
    assertThat(raw).isEqualTo(tmp.resolve("raw").toAbsolutePath().normalize().resolve("ml-100k"));
    assertThat(raw.resolve("u.data")).exists();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("downloading ml-100k.zip (kB)").contains("(100%)");
    var d = MovieLens100k.prepare(raw, 0).dataset();
    assertThat(d.numUsers()).isEqualTo(10);
    assertThat(d.numItems()).isEqualTo(8);
    assertThat(d.test()).hasSize(10);
  }

  @Test
  void anUnreachableServerGivesOneClearMessage() throws IOException {
    int port;
    try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var url = "http://127.0.0.1:" + port + "/ml-100k.zip";
    assertThatThrownBy(() -> MovieLensDownload.fetch(url, tmp, progress))
        .isInstanceOf(DownloadException.class)
        .hasMessage("cannot download " + url + ": connection refused; if this machine is offline, pass --from"
            + " with a copy of ml-100k (the unpacked directory or ml-100k.zip)");
  }

  @Test
  void anHttpErrorIsReported() throws IOException {
    var base = serve("/ml-100k.zip", 200, TinyMovieLens.zip());
    assertThatThrownBy(() -> MovieLensDownload.fetch(base + "/elsewhere.zip", tmp, progress))
        .isInstanceOf(DownloadException.class)
        .hasMessageStartingWith("cannot download " + base + "/elsewhere.zip: HTTP 404;");
  }

  @Test
  void takesALocalDirectoryOrZip() throws IOException {
    var dir = TinyMovieLens.writeDirectory(tmp.resolve("copy"));
    assertThat(MovieLensDownload.fetch(dir.toString(), tmp.resolve("w1"), progress)).isEqualTo(dir);
    var zip = Files.write(tmp.resolve("ml-100k.zip"), TinyMovieLens.zip());
    var raw = MovieLensDownload.fetch(zip.toString(), tmp.resolve("w2"), progress);
    assertThat(raw.resolve("u.item")).exists();
    assertThat(MovieLensDownload.fetch(zip.toUri().toString(), tmp.resolve("w3"), progress).resolve("u.genre")).exists();
  }

  @Test
  void aMissingOrWrongLocalSourceIsNamed() throws IOException {
    assertThatThrownBy(() -> MovieLensDownload.fetch(tmp.resolve("nope").toString(), tmp, progress))
        .isInstanceOf(DownloadException.class).hasMessageContaining("no such directory or zip file");
    var notZip = Files.writeString(tmp.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> MovieLensDownload.fetch(notZip.toString(), tmp.resolve("w"), progress))
        .isInstanceOf(DownloadException.class).hasMessageContaining("is not a zip file");
    var empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> MovieLensDownload.fetch(empty.toString(), tmp, progress))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("no u.data");
  }
}

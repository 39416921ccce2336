package org.lrdstream.data.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.lrdstream.data.MovieLens100k;
import org.lrdstream.state.progress.ProgressBar;

/**
 * Fetches the raw MovieLens 100K files for {@link MovieLens100k#prepare}: downloads GroupLens' zip
 * (its terms forbid redistribution, so the project downloads it for each user rather than ship it),
 * or takes a local copy, as a directory or as the zip, for machines without internet access.
 */
public final class MovieLensDownload {
  public static final String ML_100K_URL = "https://files.grouplens.org/datasets/movielens/ml-100k.zip";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

  private MovieLensDownload() {}

  /**
   * Makes the raw files available and returns the directory that holds {@code u.data}.
   *
   * @param source an http(s) URL of the zip, a {@code file:} URL, or a local directory or zip
   * @param workDir where a downloaded or local zip is unpacked (into {@code workDir}; created)
   * @param progress where the download's progress bar goes (usually {@code System.err})
   */
  public static Path fetch(String source, Path workDir, PrintStream progress) {
    var s = source == null || source.isBlank() ? ML_100K_URL : source.strip();
    var lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      var zip = download(URI.create(s), workDir, progress);
      return unzipAndLocate(zip, workDir);
    }
    var path = lower.startsWith("file:") ? Path.of(URI.create(s)) : Path.of(s);
    if (Files.isDirectory(path)) {
      return MovieLens100k.locateRawFiles(path);
    }
    if (Files.isRegularFile(path)) {
      return unzipAndLocate(path, workDir);
    }
    throw new DownloadException("cannot read " + source + ": no such directory or zip file", null);
  }

  /** Downloads {@code url} into {@code workDir/ml-100k.zip}, with a progress bar. */
  static Path download(URI url, Path workDir, PrintStream progress) {
    var client = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        // honours -Dhttps.proxyHost/-Dhttps.proxyPort (e.g. in LRD_JAVA_OPTS) behind a proxy
        .proxy(java.net.ProxySelector.getDefault())
        .build();
    var request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      Files.createDirectories(workDir);
      var part = workDir.resolve("ml-100k.zip.part");
      var zip = workDir.resolve("ml-100k.zip");
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (var in = response.body()) {
        if (response.statusCode() != 200) {
          throw offline(url, "HTTP " + response.statusCode(), null);
        }
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        // The bar counts kB: byte counts in the millions are hard to read.
        long totalKb = total > 0 ? (total + 999) / 1000 : -1;
        try (var bar = new ProgressBar("downloading " + fileName(url) + " (kB)", totalKb, progress);
            var out = Files.newOutputStream(part)) {
          var buf = new byte[64 * 1024];
          long bytes = 0;
          long shownKb = 0;
          int n;
          while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            bytes += n;
            bar.step(bytes / 1000 - shownKb);
            shownKb = bytes / 1000;
          }
          bar.step((bytes + 999) / 1000 - shownKb);
        }
      }
      Files.move(part, zip, StandardCopyOption.REPLACE_EXISTING);
      return zip;
    } catch (DownloadException e) {
      deletePartial(workDir);
      throw e;
    } catch (IOException | UnresolvedAddressException e) {
      deletePartial(workDir);
      throw offline(url, reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw offline(url, "interrupted", e);
    }
  }

  private static void deletePartial(Path workDir) {
    try {
      Files.deleteIfExists(workDir.resolve("ml-100k.zip.part"));
    } catch (IOException e) {
      // the download error is what the user needs to see; a stale .part is overwritten next time
    }
  }

  private static DownloadException offline(URI url, String reason, Throwable cause) {
    // The reason is already in the message: the network exception is kept as suppressed, not as
    // the cause, so that the command line prints one message (and LRD_DEBUG=1 still shows it).
    var e = new DownloadException("cannot download " + url + ": " + reason
        + "; if this machine is offline, pass --from with a copy of ml-100k (the unpacked directory or ml-100k.zip)", null);
    if (cause != null) {
      e.addSuppressed(cause);
    }
    return e;
  }

  /** Why a connection failed, in words (a ConnectException often has no message at all). */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return "cannot resolve the host name";
      }
      if (t instanceof HttpConnectTimeoutException) {
        return "connection timed out";
      }
      if (t instanceof ConnectException) {
        return t.getMessage() == null || t.getMessage().isBlank() ? "connection refused" : t.getMessage();
      }
      if (t instanceof HttpTimeoutException) {
        return "no answer in time";
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return e.getClass().getSimpleName();
  }

  private static String fileName(URI url) {
    var p = url.getPath();
    return p == null || p.isEmpty() ? url.toString() : p.substring(p.lastIndexOf('/') + 1);
  }

  /** Unpacks {@code zip} into {@code dir} (refusing entries that would land outside it). */
  static Path unzipAndLocate(Path zip, Path dir) {
    var root = dir.toAbsolutePath().normalize();
    int entries = 0;
    try (var in = new ZipInputStream(Files.newInputStream(zip))) {
      Files.createDirectories(root);
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        var target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new DownloadException(zip + ": entry " + e.getName() + " points outside the target directory", null);
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          entries++;
        }
      }
    } catch (ZipException e) {
      throw new DownloadException(zip + " is not a valid zip file: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new DownloadException("cannot unpack " + zip + ": " + reason(e), e);
    }
    if (entries == 0) {
      throw new DownloadException(zip + " is not a zip file with the MovieLens files (no entries)", null);
    }
    return MovieLens100k.locateRawFiles(root);
  }
}

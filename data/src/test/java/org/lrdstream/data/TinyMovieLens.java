package org.lrdstream.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A MovieLens-shaped data set small enough to build in a test: 10 users and 8 movies, user u rates
 * every movie but two, so every user and movie survives the 5-core and has negatives to draw.
 */
public final class TinyMovieLens {
  private TinyMovieLens() {}

  public static Map<String, String> files() {
    var genres = new StringBuilder();
    String[] names = {"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
        "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
        "Sci-Fi", "Thriller", "War", "Western"};
    for (int g = 0; g < names.length; g++) {
      genres.append(names[g]).append('|').append(g).append('\n');
    }
    var items = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      var flags = new ArrayList<String>();
      for (int g = 0; g < 19; g++) {
        flags.add(g == i ? "1" : "0");
      }
      items.append(i).append("|Movie ").append(i).append(" (199").append(i).append(")|01-Jan-199").append(i)
          .append("||http://example.org/").append(i).append('|').append(String.join("|", flags)).append('\n');
    }
    var data = new StringBuilder();
    for (int u = 1; u <= 10; u++) {
      for (int i = 1; i <= 8; i++) {
        if (i != u % 8 + 1 && i != (u + 3) % 8 + 1) {
          data.append(u).append('\t').append(i).append("\t4\t").append(880_000_000L + 1000L * u + i).append('\n');
        }
      }
    }
    var files = new LinkedHashMap<String, String>();
    files.put("u.genre", genres.toString());
    files.put("u.item", items.toString());
    files.put("u.data", data.toString());
    return files;
  }

  /** The files as GroupLens' zip lays them out: {@code ml-100k/u.data}, ... */
  public static byte[] zip() throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("ml-100k/"));
      zip.closeEntry();
      for (var e : files().entrySet()) {
        zip.putNextEntry(new ZipEntry("ml-100k/" + e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.ISO_8859_1));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  public static Path writeDirectory(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (var e : files().entrySet()) {
      Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.ISO_8859_1);
    }
    return dir;
  }

  public static List<String> fileNames() {
    return List.copyOf(files().keySet());
  }
}

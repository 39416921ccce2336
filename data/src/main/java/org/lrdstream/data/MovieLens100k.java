package org.lrdstream.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MovieLens 100K from the raw GroupLens files ({@code u.data}, {@code u.item}, {@code u.genre}),
 * preprocessed with the paper's protocol ({@link LeaveOneOutSplitter} with a 5-core: 943 users,
 * 1,349 items, 99,287 interactions) into a {@link Dataset} with two attributes, the release-year
 * bucket ({@code year}) and the genres ({@code genre}, multi-valued), and the item text "title
 * (year) genres", as in {@code ../shared/data/ml-100k-split}.
 */
public final class MovieLens100k {
  public static final String NAME = "ml-100k";
  /** Users and items need at least this many interactions (the paper's 5-core). */
  public static final int MIN_COUNT = 5;

  /** The genre flag that means "no genre known": kept as an attribute value, left out of texts. */
  private static final String UNKNOWN_GENRE = "unknown";
  private static final Pattern TITLE_YEAR = Pattern.compile("\\((\\d{4})\\)\\s*$");

  private MovieLens100k() {}

  /** The directory holding {@code u.data}: {@code dir} itself or its {@code ml-100k/} (the zip's layout). */
  public static Path locateRawFiles(Path dir) {
    for (var candidate : new Path[] {dir, dir.resolve("ml-100k")}) {
      if (Files.isRegularFile(candidate.resolve("u.data"))) {
        return candidate;
      }
    }
    throw new DataFormatException(dir, 0,
        "no u.data here nor in ml-100k/ (expected the raw GroupLens MovieLens 100K files: u.data, u.item, u.genre)");
  }

  /** Reads and preprocesses the raw files in {@code dir} (or {@code dir/ml-100k}). */
  public static PreparedDataset prepare(Path dir, long seed) {
    var raw = locateRawFiles(dir);
    var genres = readGenres(raw.resolve("u.genre"));
    var movies = readMovies(raw.resolve("u.item"), genres.size());
    var rows = readRatings(raw.resolve("u.data"), movies);
    LeaveOneOutSplit split;
    try {
      split = LeaveOneOutSplitter.split(rows, MIN_COUNT, seed);
    } catch (IllegalArgumentException e) {
      throw new DataFormatException(raw.resolve("u.data"), 0, e.getMessage());
    }

    int n = split.numItems();
    var texts = new String[n + 1];
    var originalIds = split.itemIds().clone();
    var years = new int[n + 1][];
    var genreValues = new int[n + 1][];
    years[0] = new int[0];
    genreValues[0] = new int[0];
    int maxBucket = 0;
    for (int i = 1; i <= n; i++) {
      var m = movies.get(split.itemIds()[i]);
      int bucket = yearBucket(m.year());
      maxBucket = Math.max(maxBucket, bucket);
      years[i] = bucket == 0 ? new int[0] : new int[] {bucket};
      var g = new ArrayList<Integer>();
      var text = new StringBuilder(m.title());
      for (int k = 0; k < genres.size(); k++) {
        if (m.genreFlags()[k]) {
          g.add(k + 1);
          if (!genres.get(k).equals(UNKNOWN_GENRE)) {
            text.append(' ').append(genres.get(k));
          }
        }
      }
      genreValues[i] = g.stream().mapToInt(Integer::intValue).toArray();
      texts[i] = text.toString().strip();
    }
    var attributes = List.of(
        new Attribute("year", maxBucket, years),
        new Attribute("genre", genres.size(), genreValues));
    var catalog = new Catalog(n, texts, originalIds, attributes, List.of());
    var dataset = new Dataset(NAME, split.numUsers(), n, split.train(), split.dev(), split.test(), catalog);
    return new PreparedDataset(dataset, split.userIds(), Map.of("genre", List.copyOf(genres)),
        split.counts(), List.of());
  }

  /**
   * The paper's release-year buckets: 1 for 1900–1939 (and the rare earlier year), 2..5 for the
   * 1940s..1970s, 6 for 1980–84, 7 for 1985–89, then one per year: 8 for 1990, 9 for 1991, ...;
   * 0 for an unknown year.
   */
  public static int yearBucket(int year) {
    if (year <= 0) {
      return 0;
    }
    if (year < 1940) {
      return 1;
    }
    if (year < 1980) {
      return 2 + (year - 1940) / 10;
    }
    if (year < 1990) {
      return year < 1985 ? 6 : 7;
    }
    return 8 + (year - 1990);
  }

  record Movie(String title, int year, boolean[] genreFlags) {}

  static List<String> readGenres(Path file) {
    var names = new ArrayList<String>();
    try (var r = open(file, StandardCharsets.ISO_8859_1)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var f = line.split("\\|", -1);
        if (f.length != 2) {
          throw new DataFormatException(file, no, "expected 'name|index', got '" + line + "'");
        }
        int index = parseInt(file, no, f[1], "genre index");
        if (index != names.size()) {
          throw new DataFormatException(file, no, "genre index " + index + " out of order (expected " + names.size() + ")");
        }
        names.add(f[0].strip());
      }
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    if (names.isEmpty()) {
      throw new DataFormatException(file, 0, "no genres");
    }
    return names;
  }

  static Map<String, Movie> readMovies(Path file, int numGenres) {
    var movies = new HashMap<String, Movie>();
    // u.item is latin-1 ("Misérables, Les (1995)").
    try (var r = open(file, StandardCharsets.ISO_8859_1)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var f = line.split("\\|", -1);
        if (f.length != 5 + numGenres) {
          throw new DataFormatException(file, no, "expected " + (5 + numGenres)
              + " '|'-separated fields (id, title, release date, video date, URL, " + numGenres
              + " genre flags), found " + f.length);
        }
        var id = f[0].strip();
        parseInt(file, no, id, "movie id");
        var flags = new boolean[numGenres];
        for (int k = 0; k < numGenres; k++) {
          var v = f[5 + k].strip();
          if (!v.equals("0") && !v.equals("1")) {
            throw new DataFormatException(file, no, "genre flag " + (k + 1) + " must be 0 or 1, got '" + v + "'");
          }
          flags[k] = v.equals("1");
        }
        var title = f[1].strip();
        if (movies.put(id, new Movie(title, releaseYear(f[2].strip(), title), flags)) != null) {
          throw new DataFormatException(file, no, "duplicate movie id " + id);
        }
      }
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    return movies;
  }

  /**
   * The year of the release date ("01-Jan-1995"), or of the title's "(1995)" when the date is
   * missing. The date comes first because the paper's split does so (it gives "Taxi Driver (1976)",
   * re-released 16-Feb-1996, the 1996 bucket); 0 when neither is known.
   */
  static int releaseYear(String releaseDate, String title) {
    if (releaseDate.length() >= 4) {
      var y = releaseDate.substring(releaseDate.length() - 4);
      if (y.chars().allMatch(Character::isDigit)) {
        return Integer.parseInt(y);
      }
    }
    var m = TITLE_YEAR.matcher(title);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  static List<RawInteraction> readRatings(Path file, Map<String, Movie> movies) {
    var rows = new ArrayList<RawInteraction>(100_000);
    try (var r = open(file, StandardCharsets.ISO_8859_1)) {
      String line;
      long no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        var f = line.strip().split("\\s+");
        if (f.length != 4) {
          throw new DataFormatException(file, no, "expected 4 tab-separated fields (user, item, rating, time), found " + f.length);
        }
        parseInt(file, no, f[0], "user id");
        parseInt(file, no, f[1], "item id");
        if (!movies.containsKey(f[1])) {
          throw new DataFormatException(file, no, "item " + f[1] + " is not in u.item");
        }
        long t;
        try {
          t = Long.parseLong(f[3]);
        } catch (NumberFormatException e) {
          throw new DataFormatException(file, no, "time is not an integer: '" + f[3] + "'");
        }
        rows.add(new RawInteraction(f[0], f[1], t * 1000L));
      }
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "read failed: " + e.getMessage());
    }
    return rows;
  }

  private static BufferedReader open(Path file, java.nio.charset.Charset cs) {
    try {
      return Files.newBufferedReader(file, cs);
    } catch (NoSuchFileException e) {
      throw new DataFormatException(file, 0, "file not found");
    } catch (IOException e) {
      throw new DataFormatException(file, 0, "cannot open: " + e.getMessage());
    }
  }

  private static int parseInt(Path file, long line, String s, String what) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new DataFormatException(file, line, what + " is not an integer: '" + s + "'");
    }
  }
}

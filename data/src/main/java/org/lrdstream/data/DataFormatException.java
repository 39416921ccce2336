package org.lrdstream.data;

import java.nio.file.Path;

/** A data file that cannot be read as expected; the message names the file and the line. */
public final class DataFormatException extends RuntimeException {
  private final Path file;
  private final long line;

  public DataFormatException(Path file, long line, String problem) {
    super(line > 0 ? file + ":" + line + ": " + problem : file + ": " + problem);
    this.file = file;
    this.line = line;
  }

  public Path file() {
    return file;
  }

  /** 1-based line number, or 0 when the problem is with the file as a whole. */
  public long line() {
    return line;
  }
}

package org.lrdstream.data.download;

/** A source that cannot be fetched; the message says what to do instead. */
public final class DownloadException extends RuntimeException {
  public DownloadException(String message, Throwable cause) {
    super(message, cause);
  }
}

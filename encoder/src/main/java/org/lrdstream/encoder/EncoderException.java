package org.lrdstream.encoder;

/**
 * A text encoder could not be loaded or could not encode. The message is meant for a person: it
 * names the encoder and what failed (a missing model resource, a native library that did not load,
 * an HTTP status with the body of the reply), so the CLI prints it without a stack trace.
 */
public class EncoderException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EncoderException(String message) {
    super(message);
  }

  public EncoderException(String message, Throwable cause) {
    super(message, cause);
  }
}

package org.lrdstream.encoder;

import java.io.PrintStream;

/**
 * Tuning of an encoder opened by {@link TextEncoders}; 0 means "the encoder's default".
 *
 * @param batchSize texts per model run or per HTTP request (embedded: 32, HTTP: 256)
 * @param intraOpThreads ONNX Runtime threads inside one run of an embedded model (default 1)
 * @param progressOut where the cache draws its progress bar; {@code null} for none
 */
public record EncoderOptions(int batchSize, int intraOpThreads, PrintStream progressOut) {
  public EncoderOptions {
    if (batchSize < 0) {
      throw new IllegalArgumentException("batch size must not be negative, got " + batchSize);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("threads must not be negative, got " + intraOpThreads);
    }
  }

  /** Every default, progress on stderr. */
  public static EncoderOptions defaults() {
    return new EncoderOptions(0, 0, System.err);
  }

  public EncoderOptions withBatchSize(int batchSize) {
    return new EncoderOptions(batchSize, intraOpThreads, progressOut);
  }

  public EncoderOptions withIntraOpThreads(int intraOpThreads) {
    return new EncoderOptions(batchSize, intraOpThreads, progressOut);
  }

  public EncoderOptions withProgressOut(PrintStream progressOut) {
    return new EncoderOptions(batchSize, intraOpThreads, progressOut);
  }
}

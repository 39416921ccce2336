package org.lrdstream.encoder;

import java.util.ArrayList;
import java.util.List;

/** A fake encoder whose vectors are derived from the text; it records every text it is given. */
final class CountingEncoder implements TextEncoder {
  final List<List<String>> calls = new ArrayList<>();
  private final String id;
  private final int batchSize;
  boolean closed;

  CountingEncoder(String id, int batchSize) {
    this.id = id;
    this.batchSize = batchSize;
  }

  static float[] vectorOf(String text) {
    int h = text.hashCode();
    return Vectors.normaliseInPlace(new float[] {text.length() + 1, h & 0xff, (h >> 8) & 0xff, 1});
  }

  int textsEncoded() {
    return calls.stream().mapToInt(List::size).sum();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public int dimension() {
    return 4;
  }

  @Override
  public int preferredBatchSize() {
    return batchSize;
  }

  @Override
  public float[][] encode(List<String> texts) {
    calls.add(List.copyOf(texts));
    return texts.stream().map(CountingEncoder::vectorOf).toArray(float[][]::new);
  }

  @Override
  public void close() {
    closed = true;
  }
}

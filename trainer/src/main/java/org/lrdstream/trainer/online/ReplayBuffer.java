package org.lrdstream.trainer.online;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded uniform sample of every example trained so far (reservoir sampling), from which each
 * step mixes older examples into the new ones so that the model keeps what it learnt. Memory is
 * bounded by the capacity, however long the stream.
 */
public final class ReplayBuffer {
  private final int capacity;
  private final List<Example> examples;
  private long seen;

  public ReplayBuffer(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("replay buffer capacity must not be negative, got " + capacity);
    }
    this.capacity = capacity;
    this.examples = new ArrayList<>(Math.min(capacity, 1 << 16));
  }

  public int size() {
    return examples.size();
  }

  /** Offers an example: kept with probability capacity / examples seen. */
  public void add(Example e, SplittableRandom rng) {
    seen++;
    if (capacity == 0) {
      return;
    }
    if (examples.size() < capacity) {
      examples.add(e);
    } else {
      long j = rng.nextLong(seen);
      if (j < capacity) {
        examples.set((int) j, e);
      }
    }
  }

  /** {@code count} examples drawn uniformly (with replacement); fewer when the buffer is empty. */
  public List<Example> sample(int count, SplittableRandom rng) {
    if (examples.isEmpty() || count <= 0) {
      return List.of();
    }
    var out = new ArrayList<Example>(count);
    for (int k = 0; k < count; k++) {
      out.add(examples.get(rng.nextInt(examples.size())));
    }
    return out;
  }
}

package org.lrdstream.trainer.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
  @Test
  void keepsABoundedUniformSampleOfTheWholeStream() {
    var buffer = new ReplayBuffer(1000);
    var rng = new SplittableRandom(1);
    for (int i = 0; i < 100_000; i++) {
      buffer.add(new Example(i, i, new long[0], new float[0]), rng);
    }
    assertThat(buffer.size()).isEqualTo(1000);
    var drawn = buffer.sample(5000, rng);
    assertThat(drawn).hasSize(5000);
    // uniform over the stream: old and recent examples alike (a ring buffer would hold the last 1,000 only)
    long old = drawn.stream().filter(e -> e.user() < 50_000).count();
    assertThat(old).isBetween(2000L, 3000L);
    assertThat(new HashSet<>(drawn.stream().map(Example::user).toList()).size()).isGreaterThan(500);
  }

  @Test
  void anEmptyOrZeroCapacityBufferReplaysNothing() {
    var rng = new SplittableRandom(1);
    assertThat(new ReplayBuffer(10).sample(5, rng)).isEmpty();
    var none = new ReplayBuffer(0);
    none.add(new Example(1, 1, new long[0], new float[0]), rng);
    assertThat(none.sample(5, rng)).isEmpty();
  }
}

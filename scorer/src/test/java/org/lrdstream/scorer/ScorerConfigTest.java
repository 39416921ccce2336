package org.lrdstream.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {
  @Test
  void lingerIsTheRecommendationProducersLingerMs() {
    assertThat(ScorerConfig.defaults().linger()).isEqualTo(Duration.ofMillis(5));
    assertThat(ScorerConfig.defaults().streamsProperties().get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo(5);
    var c = ScorerConfig.from(Map.of("LRD_SCORER_LINGER", "0"));
    assertThat(c.linger()).isZero();
    assertThat(c.streamsProperties().get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo(0);
    assertThat(c.toBuilder().build().linger()).as("kept by the builder").isZero();
    assertThatThrownBy(() -> ScorerConfig.from(Map.of("scorer.linger", "soon"))).hasMessageContaining("scorer.linger");
  }

  @Test
  void modelWorkersDefaultToTheCoresSharedOutAmongTheStreamThreads() {
    assertThat(ScorerConfig.defaults().effectiveModelWorkers(2)).as("one stream thread: every core").isEqualTo(2);
    assertThat(ScorerConfig.defaults().effectiveModelWorkers(16)).isEqualTo(16);
    var two = ScorerConfig.from(Map.of("scorer.threads", "2"));
    assertThat(two.effectiveModelWorkers(2)).as("two stream threads on two cores: one core each").isEqualTo(1);
    assertThat(two.effectiveModelWorkers(16)).isEqualTo(8);
    assertThat(ScorerConfig.from(Map.of("scorer.threads", "3")).effectiveModelWorkers(2)).as("at least one").isEqualTo(1);
    assertThat(ScorerConfig.from(Map.of("scorer.threads", "2", "scorer.model-workers", "2")).effectiveModelWorkers(2))
        .as("an explicit count is kept").isEqualTo(2);
  }
}

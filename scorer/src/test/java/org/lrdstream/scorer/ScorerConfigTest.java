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
}

package org.lrdstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

  @Test
  void defaultsAreExactlyOnceWithTwentyItems() {
    var c = IngestConfig.defaults();
    assertThat(c.historyLength()).isEqualTo(20);
    assertThat(c.exactlyOnce()).isTrue();
    assertThat(c.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
  }

  @Test
  void readsPropertiesKeysAndEnvironmentNames() {
    var c = IngestConfig.from(Map.of(
        "ingest.history-length", "50",
        "LRD_INGEST_GRACE", "PT5M",
        "LRD_INGEST_MAX_FUTURE_SKEW", "1000"));
    assertThat(c.historyLength()).isEqualTo(50);
    assertThat(c.grace()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maxFutureSkew()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.dedupWindow()).isEqualTo(IngestConfig.defaults().dedupWindow());
  }

  @Test
  void lingerIsTheSequenceEventProducersLingerMs() {
    assertThat(IngestConfig.defaults().streamsProperties().get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo(5);
    var c = IngestConfig.from(Map.of("ingest.linger", "0"));
    assertThat(c.linger()).isZero();
    assertThat(c.streamsProperties().get(StreamsConfig.producerPrefix("linger.ms"))).isEqualTo(0);
    assertThat(c.withThreads(2).linger()).as("kept by the with- methods").isZero();
    assertThatThrownBy(() -> c.withLinger(Duration.ofMillis(-1))).hasMessageContaining("linger");
  }

  @Test
  void aBadValueNamesTheKey() {
    assertThatThrownBy(() -> IngestConfig.from(Map.of("ingest.history-length", "many")))
        .hasMessageContaining("ingest.history-length");
    assertThatThrownBy(() -> IngestConfig.from(Map.of("ingest.grace", "an hour")))
        .hasMessageContaining("ingest.grace");
    assertThatThrownBy(() -> IngestConfig.defaults().withHistoryLength(0))
        .hasMessageContaining("history length");
  }
}

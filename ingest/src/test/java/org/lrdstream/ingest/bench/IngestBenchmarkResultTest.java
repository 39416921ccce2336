package org.lrdstream.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class IngestBenchmarkResultTest {

  @Test
  void theJsonLineHasTheFieldsOtherToolsReadAndParses() throws Exception {
    var r = new IngestBenchmark.Result("office", 53258, 2420, 10.0, 5325.8, 2.0, 3.5, 2.0, 12.0,
        true, 3, 1, 2);
    var json = new ObjectMapper().readTree(r.toJson());
    assertThat(json.get("events").asLong()).isEqualTo(53258);
    assertThat(json.get("events_per_second").asDouble()).isEqualTo(5325.8);
    assertThat(json.get("broker_start_seconds").asDouble()).isEqualTo(3.5);
    assertThat(json.get("exactly_once").asBoolean()).isTrue();
    assertThat(r.toJson()).doesNotContain("\n");
  }
}

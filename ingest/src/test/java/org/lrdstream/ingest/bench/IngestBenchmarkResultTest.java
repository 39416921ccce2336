package org.lrdstream.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrdstream.ingest.replay.ReplayPlan;
import org.lrdstream.state.records.EventType;
import org.lrdstream.state.records.Interaction;
import org.lrdstream.state.records.Item;

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

  @Test
  void aLaterPassIsTheSameEventsForOtherUsersWithOtherIdsAndNoCatalog() {
    var plan = new ReplayPlan("toy", List.of(new Item("i1", "a pen", Map.of(), Map.of())), List.of(
        new Interaction("7", "i1", 1000L, EventType.PURCHASE, "toy/train/0"),
        new Interaction("8", "i1", 2000L, EventType.VIEW, null),
        new Interaction("7", "i1", 3000L, EventType.PURCHASE, "toy/test/0")));
    var pass3 = IngestBenchmark.renamed(plan, 3);
    assertThat(pass3.items()).isEmpty();
    assertThat(pass3.interactions()).containsExactly(
        new Interaction("p3/7", "i1", 1000L, EventType.PURCHASE, "toy/train/0#p3"),
        new Interaction("p3/8", "i1", 2000L, EventType.VIEW, null),
        new Interaction("p3/7", "i1", 3000L, EventType.PURCHASE, "toy/test/0#p3"));
    assertThat(IngestBenchmark.renamed(plan, 4).interactions().get(0).user()).isEqualTo("p4/7");
  }
}

package org.lrdstream.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrdstream.data.Attribute;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.Interaction;
import org.lrdstream.data.ItemRelation;
import org.lrdstream.state.records.EventType;

class ReplayPlanTest {

  private static Dataset tiny() {
    var catalog = new Catalog(3,
        new String[] {null, "stapler", "staples", "tape"},
        new String[] {null, "A1", "A2", "A3"},
        List.of(new Attribute("category", 2, new int[][] {{}, {1}, {1}, {}})),
        List.of(new ItemRelation("complement", new int[][] {{}, {2}, {}, {}})));
    var train = List.of(
        new Interaction(2, 1, 100), new Interaction(1, 2, 100), new Interaction(1, 1, 100));
    var dev = List.of(new HeldOut(1, 3, 200, new int[0]), new HeldOut(2, 2, 150, new int[0]));
    var test = List.of(new HeldOut(1, 1, 200, new int[0]), new HeldOut(2, 3, 300, new int[0]));
    return new Dataset("tiny", 2, 3, train, dev, test, catalog);
  }

  @Test
  void itemsCarryTextAttributesAndRelations() {
    var items = ReplayPlan.of(tiny()).items();
    assertThat(items).hasSize(3);
    assertThat(items.get(0).item()).isEqualTo("A1"); // the original id, as checkpoints name it
    assertThat(items.get(0).text()).isEqualTo("stapler");
    assertThat(items.get(0).attributes()).containsEntry("category", List.of("1"));
    assertThat(items.get(0).relations()).containsEntry("complement", List.of("A2"));
    assertThat(items.get(2).attributes()).doesNotContainKey("category"); // unknown value
  }

  @Test
  void interactionsAreInTimeOrderThenUserThenFileOrder() {
    var events = ReplayPlan.of(tiny()).interactions();
    assertThat(events).extracting(e -> e.user() + ":" + e.item() + "@" + e.ts())
        .containsExactly(
            "1:A2@100000", "1:A1@100000", "2:A1@100000", // ties: user 1 first, then file order
            "2:A2@150000", "1:A3@200000", "1:A1@200000", "2:A3@300000"); // dev before test
    assertThat(events.get(0).eventId()).isEqualTo("tiny/train/1");
    assertThat(events.get(5).eventId()).isEqualTo("tiny/test/0");
    assertThat(events).allMatch(e -> e.type() == EventType.PURCHASE);
  }
}

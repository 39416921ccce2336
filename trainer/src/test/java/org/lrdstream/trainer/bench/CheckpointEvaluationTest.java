package org.lrdstream.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrdstream.data.Catalog;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.data.Interaction;
import org.lrdstream.state.checkpoint.Checkpoint;

class CheckpointEvaluationTest {
  /** Items 1..3 with source ids A, B, C; users 1, 2. */
  private static Dataset data() {
    var catalog = new Catalog(3, new String[4], new String[] {null, "A", "B", "C"}, List.of(), List.of());
    return new Dataset("tiny", 2, 3,
        List.of(new Interaction(1, 1, 10), new Interaction(1, 2, 20), new Interaction(2, 3, 15)),
        List.of(new HeldOut(1, 3, 30, new int[] {1, 2}), new HeldOut(2, 1, 31, new int[] {2, 2})),
        List.of(new HeldOut(1, 1, 40, new int[] {2, 3}), new HeldOut(2, 2, 41, new int[] {1, 3})),
        catalog);
  }

  private static Checkpoint checkpoint(List<String> users, List<String> items) {
    return new Checkpoint(3, 0, JsonNodeFactory.instance.objectNode(), List.of("sequence"), users, items, Map.of(),
        Map.of(), Map.of(), List.of());
  }

  @Test
  void theDataSetIsRenumberedIntoTheRowsTheTrainerGaveItsIds() {
    // the trainer met user 2 first, and items C, A, then an item the data set does not have, then B
    var c = checkpoint(List.of("", "2", "1"), List.of("", "C", "A", "zzz", "B"));
    var d = CheckpointEvaluation.renumbered(c, data());
    assertThat(d.numUsers()).isEqualTo(2);
    assertThat(d.numItems()).isEqualTo(4);
    assertThat(d.train()).containsExactly(new Interaction(2, 2, 10), new Interaction(2, 4, 20), new Interaction(1, 1, 15));
    var t = d.test().get(0);
    assertThat(t.user()).isEqualTo(2);
    assertThat(t.item()).isEqualTo(2);
    assertThat(t.negatives()).containsExactly(4, 1);
    assertThat(d.dev().get(1).negatives()).containsExactly(4, 4);
  }

  @Test
  void aCheckpointMissingAUserOrAnItemOfTheDataSetIsRefused() {
    assertThatThrownBy(() -> CheckpointEvaluation.renumbered(checkpoint(List.of("", "1"), List.of("", "A", "B", "C")), data()))
        .hasMessageContaining("no user '2' of tiny");
    assertThatThrownBy(() -> CheckpointEvaluation.renumbered(checkpoint(List.of("", "1", "2"), List.of("", "A", "C")), data()))
        .hasMessageContaining("no item 'B' of tiny");
  }
}

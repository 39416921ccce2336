package org.lrdstream.trainer.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;
import org.lrdstream.trainer.offline.Evaluator;
import org.lrdstream.trainer.offline.OfficeSlice;
import org.lrdstream.trainer.offline.UserHistories;

class CaseStudyTest {
  @Test
  void theCaseStudysRankIsTheEvaluatorsAndTheTopListExcludesTheHistory() {
    var data = OfficeSlice.users(30);
    var cfg = ModelConfig.forName("kda+lrd").toBuilder().dim(16).layers(1).build();
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 8, 1), m, 1);
        var base = ModelFactory.create(ModelConfig.forName("kda").toBuilder().dim(16).layers(1).build(),
            data, OfficeSlice.randomText(data.numItems(), 8, 1), m, 2)) {
      int user = 7;
      var r = CaseStudy.explain(model, base, data, user, true, 5);
      var row = data.test().stream().filter(x -> x.user() == user).findFirst().orElseThrow();
      var evaluator = new Evaluator(new UserHistories(data), 16, 1);
      int expected = evaluator.ranks(model, java.util.List.of(row), true)[0];
      assertThat(r.rank()).isEqualTo(expected);
      assertThat(r.baselineRank()).isEqualTo(evaluator.ranks(base, java.util.List.of(row), true)[0]);
      assertThat(r.target()).isEqualTo(row.item());
      assertThat(r.candidates()).isEqualTo(1 + row.negatives().length);
      // the test row's history is the training items then the dev item
      long trainCount = data.train().stream().filter(x -> x.user() == user).count();
      assertThat(r.history()).hasSize((int) trainCount + 1);
      var seen = r.history().stream().mapToInt(CaseStudy.HistoryItem::item).toArray();
      assertThat(r.top()).hasSize(5);
      for (var t : r.top()) {
        assertThat(Arrays.stream(seen).anyMatch(s -> s == t.item())).as("recommended a seen item").isFalse();
        assertThat(Arrays.stream(seen).anyMatch(s -> s == t.becauseOf())).as("reason is a history item").isTrue();
        assertThat(model.schema().names()).contains(t.relation());
      }
      assertThat(r.top()).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
      assertThat(r.history().get(r.history().size() - 1).lrdRelation()).isNotNull().isNotEqualTo("sequence");
    }
  }

  @Test
  void anUnknownUserIsAClearError() {
    var data = OfficeSlice.users(30);
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(ModelConfig.forName("kda").toBuilder().dim(16).layers(1).build(),
            data, OfficeSlice.randomText(data.numItems(), 8, 1), m, 1)) {
      assertThatThrownBy(() -> CaseStudy.explain(model, null, data, 31, true, 5))
          .hasMessageContaining("no user 31").hasMessageContaining("1..30");
    }
  }
}

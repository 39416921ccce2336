package org.lrdstream.trainer.offline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.lrdstream.model.ModelConfig;
import org.lrdstream.model.ModelFactory;

/** The evaluator's pass size changes its speed only, never a rank. */
class EvaluatorTest {
  @Test
  void theAutomaticPassSizeAimsAtFourThousandRowsForRelationModelsAndSixteenUsersForBaselines() {
    assertThat(Evaluator.autoBatchUsers(ModelConfig.forName("kda"), 5, 100)).isEqualTo(8);
    assertThat(Evaluator.autoBatchUsers(ModelConfig.forName("kda+lrd"), 13, 100)).isEqualTo(3);
    assertThat(Evaluator.autoBatchUsers(ModelConfig.forName("kda+lrd"), 13, 1000)).isEqualTo(1);
    assertThat(Evaluator.autoBatchUsers(ModelConfig.forName("rcf"), 5, 10)).isEqualTo(80);
    assertThat(Evaluator.autoBatchUsers(ModelConfig.forName("sasrec"), 1, 100)).isEqualTo(16);
  }

  @Test
  void ranksAreTheSameWhateverTheUsersPerPass() {
    var data = OfficeSlice.users(120);
    var cfg = FitTest.small("kda+lrd");
    try (var m = NDManager.newBaseManager("PyTorch");
        var model = ModelFactory.create(cfg, data, OfficeSlice.randomText(data.numItems(), 16, 1), m, 1)) {
      var histories = new UserHistories(data);
      var auto = new Evaluator(histories, 0, 1).ranks(model, data.dev(), false);
      var one = new Evaluator(histories, 1, 1).ranks(model, data.dev(), false);
      var many = new Evaluator(histories, 50, 2).ranks(model, data.dev(), false);
      assertThat(auto).hasSize(data.dev().size()).isEqualTo(one).isEqualTo(many);
    }
  }
}

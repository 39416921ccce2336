package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The joint loss's analytic gradients (PyTorch autograd through every block) against central finite
 * differences, for every parameter tensor of a tiny model.
 */
class GradientTest {

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void gradientsMatchFiniteDifferences(Backbone backbone) {
    var cfg = TinyModels.config().backbone(backbone).build();
    try (var m = NDManager.newBaseManager("PyTorch"); var model = TinyModels.model(cfg, m, 7)) {
      var batch = TinyModels.batch();
      try (var scope = new NDScope()) {
        try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
          gc.backward(model.losses(m, batch).total());
        }
      }
      var failures = new ArrayList<String>();
      int checked = 0;
      for (var e : model.parameters().all().entrySet()) {
        var name = e.getKey();
        var param = e.getValue();
        float[] grad;
        try (var g = param.getGradient()) {
          grad = g.toFloatArray();
        }
        var values = param.toFloatArray();
        // a few coordinates per tensor, spread over it
        for (int k = 0; k < Math.min(3, values.length); k++) {
          int i = (int) ((long) k * 7919 % values.length);
          float h = 1e-2f;
          float orig = values[i];
          values[i] = orig + h;
          model.parameters().load(name, values);
          double up = loss(model, m, batch);
          values[i] = orig - h;
          model.parameters().load(name, values);
          double down = loss(model, m, batch);
          values[i] = orig;
          model.parameters().load(name, values);
          double numeric = (up - down) / (2 * h);
          checked++;
          if (Math.abs(numeric - grad[i]) > 2e-2 * Math.max(1, Math.abs(numeric))) {
            failures.add(name + "[" + i + "]: autograd " + grad[i] + ", finite difference " + numeric);
          }
        }
      }
      assertThat(checked).isGreaterThan(30);
      assertThat(failures).isEmpty();
    }
  }

  private static double loss(LrdModel model, NDManager m, TrainBatch batch) {
    try (var scope = new NDScope()) {
      return model.losses(m, batch).total().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
    }
  }
}

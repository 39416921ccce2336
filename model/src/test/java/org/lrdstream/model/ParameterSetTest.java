package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ParameterSetTest {
  @Test
  void loadCopiesIntoTheSameTensorAndFillClearsNaN() {
    try (var m = NDManager.newBaseManager("PyTorch"); var p = new ParameterSet(m)) {
      var a = p.put("w", new float[] {1, 2, 3, 4}, new Shape(2, 2));
      var view = a.get("1:2"); // a view of the second row shares the parameter's storage
      p.load("w", new float[] {5, 6, 7, 8});
      assertThat(p.get("w")).isSameAs(a);
      assertThat(a.toFloatArray()).containsExactly(5, 6, 7, 8);
      assertThat(view.toFloatArray()).containsExactly(7, 8);
      var nan = m.create(new float[] {Float.NaN, 1f, Float.POSITIVE_INFINITY});
      ParameterSet.fill(nan, 0f);
      assertThat(nan.toFloatArray()).containsExactly(0f, 0f, 0f);
    }
  }
}

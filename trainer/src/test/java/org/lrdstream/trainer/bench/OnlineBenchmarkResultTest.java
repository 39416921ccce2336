package org.lrdstream.trainer.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrdstream.trainer.offline.Metrics;

class OnlineBenchmarkResultTest {
  private static OnlineBenchmark.Result result(List<OnlineBenchmark.CurvePoint> curve) {
    return new OnlineBenchmark.Result("Office", "cold", 100, 90, 450, 12, 4, 4, 10.5, 8.6, 1200, 3400, 90,
        new Metrics(0.25, 0.15, 0.4, 0.2, 10), 300, 900, 7.5, 300, 256, 60, true, 2, curve);
  }

  @Test
  void theLastLineIsOneJsonObjectWithTheContractFieldsAndTheSettleCurve() throws Exception {
    var p1 = new OnlineBenchmark.CurvePoint(0, 3, 100, 10, new float[] {0.5f, 0.4f, 0.69f, 0.1f, 0.2f},
        new Metrics(0.2, 0.12, 0.3, 0.15, 10));
    var p2 = new OnlineBenchmark.CurvePoint(30, 4, 450, 12, new float[] {0.45f, 0.35f, 0.68f, 0.1f, 0.2f},
        new Metrics(0.25, 0.15, 0.4, 0.2, 10));
    var json = new ObjectMapper().readTree(result(List.of(p1, p2)).toJson());
    assertEquals(0.25, json.get("test").get("HR@5").asDouble(), 1e-9);
    assertEquals(0.15, json.get("test").get("NDCG@5").asDouble(), 1e-9);
    assertEquals(1200, json.get("freshness_p50_ms").asDouble(), 1e-9);
    assertEquals(3400, json.get("freshness_p99_ms").asDouble(), 1e-9);
    assertEquals(8.6, json.get("examples_per_second").asDouble(), 1e-9);
    assertEquals(4, json.get("checkpoints").asInt());
    var curve = json.get("settle_curve");
    assertEquals(2, curve.size());
    assertEquals(3, curve.get(0).get("version").asLong());
    assertEquals(0.35, curve.get(1).get("loss_rec").asDouble(), 1e-4);
    assertEquals(0.68, curve.get(1).get("loss_kge").asDouble(), 1e-4);
    assertEquals(0.12, curve.get(0).get("NDCG@5").asDouble(), 1e-9);
    assertEquals(30, curve.get(1).get("seconds").asDouble(), 1e-9);
  }

  @Test
  void withoutEvaluationsTheCurveIsEmpty() throws Exception {
    var json = new ObjectMapper().readTree(result(List.of()).toJson());
    assertTrue(json.get("settle_curve").isArray());
    assertEquals(0, json.get("settle_curve").size());
  }

  @Test
  void aPointWithNoStepSinceThePreviousOneHasNullLosses() throws Exception {
    var nan = new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
    var p = new OnlineBenchmark.CurvePoint(60, 5, 450, 12, nan, new Metrics(0.25, 0.15, 0.4, 0.2, 10));
    var json = new ObjectMapper().readTree(result(List.of(p)).toJson());
    assertTrue(json.get("settle_curve").get(0).get("loss_total").isNull());
  }
}

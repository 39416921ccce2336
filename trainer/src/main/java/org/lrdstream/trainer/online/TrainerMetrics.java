package org.lrdstream.trainer.online;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.lrdstream.state.MetricNames;
import org.lrdstream.trainer.step.JointStep;

/** The trainer's meters ({@link MetricNames}); examples/s and steps/s are the counters' rates. */
final class TrainerMetrics {
  final Counter newExamples;
  final Counter replayed;
  final Counter catchUpSteps;
  final Counter events;
  final Counter noHistory;
  final Counter unreadable;
  final Counter nonFinite;
  final Counter steps;
  final Counter checkpoints;
  final Counter refused;
  final Timer stepTime;
  final Timer batchWait;
  private final double[] loss = new double[JointStep.TERMS.size()];
  final AtomicLong version = new AtomicLong(-1);
  final AtomicLong publishedAtMillis = new AtomicLong(0);
  final AtomicLong lag = new AtomicLong(0);
  final AtomicReference<int[]> vocabulary = new AtomicReference<>(new int[2]);

  TrainerMetrics(MeterRegistry r) {
    newExamples = Counter.builder(MetricNames.TRAINER_EXAMPLES).tag("kind", "new").description("examples trained from the stream").register(r);
    replayed = Counter.builder(MetricNames.TRAINER_EXAMPLES).tag("kind", "replay").description("examples replayed from the buffer").register(r);
    catchUpSteps = Counter.builder(MetricNames.TRAINER_STEPS + ".catch-up").description("steps without replay while the trainer was behind (--catch-up-lag)").register(r);
    events = Counter.builder(MetricNames.TRAINER_EVENTS).description("sequence events consumed").register(r);
    noHistory = skipped(r, "no-history");
    unreadable = skipped(r, "unreadable");
    nonFinite = skipped(r, "non-finite");
    steps = Counter.builder(MetricNames.TRAINER_STEPS).description("optimisation steps").register(r);
    checkpoints = Counter.builder(MetricNames.TRAINER_CHECKPOINTS).description("checkpoints published").register(r);
    refused = Counter.builder(MetricNames.TRAINER_CHECKPOINTS_REFUSED).description("checkpoints refused at start-up").register(r);
    stepTime = Timer.builder(MetricNames.TRAINER_STEP_TIME).publishPercentiles(0.5, 0.99).register(r);
    batchWait = Timer.builder(MetricNames.TRAINER_BATCH_WAIT).publishPercentiles(0.5, 0.99).register(r);
    for (int i = 0; i < loss.length; i++) {
      int k = i;
      gauge(r, MetricNames.TRAINER_LOSS, "term", JointStep.TERMS.get(i), () -> loss[k]);
    }
    gauge(r, MetricNames.TRAINER_CHECKPOINT_VERSION, null, null, () -> version.get());
    gauge(r, MetricNames.TRAINER_CHECKPOINT_AGE, null, null, () -> publishedAtMillis.get() == 0 ? Double.NaN
        : (System.currentTimeMillis() - publishedAtMillis.get()) / 1000.0);
    gauge(r, MetricNames.TRAINER_LAG, null, null, () -> lag.get());
    gauge(r, MetricNames.TRAINER_VOCABULARY, "table", "users", () -> vocabulary.get()[0]);
    gauge(r, MetricNames.TRAINER_VOCABULARY, "table", "items", () -> vocabulary.get()[1]);
  }

  void loss(float[] terms) {
    for (int i = 0; i < loss.length; i++) {
      loss[i] = terms[i];
    }
  }

  void stepTime(long nanos) {
    stepTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Counter skipped(MeterRegistry r, String reason) {
    return Counter.builder(MetricNames.TRAINER_EVENTS_SKIPPED).tag("reason", reason).register(r);
  }

  private static void gauge(MeterRegistry r, String name, String tag, String value, DoubleSupplier f) {
    var b = Gauge.builder(name, f, DoubleSupplier::getAsDouble).strongReference(true);
    if (tag != null) {
      b.tag(tag, value);
    }
    b.register(r);
  }
}

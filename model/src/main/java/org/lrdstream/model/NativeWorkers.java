package org.lrdstream.model;

import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs independent pieces of PyTorch work side by side, each on a thread with one intra-op thread
 * and subnormals flushed to zero ({@link FlushDenormals}).
 *
 * <p>On this model's many small operations, two single-threaded passes side by side do about twice
 * the work of one pass with two intra-op threads (BENCHMARKS.md: "Scorer: pieces on parallel
 * workers", "Training: data-parallel shards"); the evaluator, the scorer and the training step all
 * cut their work this way. The threads are daemons of one shared pool, so a caller that runs often
 * (every scoring batch, every training step) does not start threads each time.
 */
public final class NativeWorkers {
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    var t = new Thread(r, "lrd-native-worker");
    t.setDaemon(true);
    return t;
  });

  private NativeWorkers() {}

  /**
   * Runs {@code body} for tasks {@code 0..count-1} on at most {@code workers} pool threads and
   * returns when every task is done. Each thread sets PyTorch's grad mode to {@code gradMode} and
   * its intra-op threads to one (both belong to the native thread) before its first task, and
   * turns grad mode off again after its last. The caller only waits: its own OpenMP team, which
   * keeps spinning a while after a parallel region, would take a core from the workers. The first
   * failure is rethrown (a RuntimeException as it is); the other tasks still finish first.
   */
  public static void run(int workers, int count, boolean gradMode, IntConsumer body) {
    if (count <= 0) {
      return;
    }
    var next = new AtomicInteger();
    int tasks = Math.max(1, Math.min(workers, count));
    var futures = new ArrayList<Future<?>>(tasks);
    for (int w = 0; w < tasks; w++) {
      futures.add(POOL.submit(() -> {
        JniUtils.setGradMode(gradMode);
        JniUtils.setNumThreads(1);
        FlushDenormals.onThisThread();
        try {
          for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) {
            body.accept(k);
          }
        } finally {
          JniUtils.setGradMode(false);
        }
        return null;
      }));
    }
    RuntimeException failure = null;
    try {
      for (var f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while PyTorch workers ran", e);
    }
    if (failure != null) {
      throw failure;
    }
  }
}

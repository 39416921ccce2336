package org.lrdstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlushDenormalsTest {
  /** 1e-20², computed by PyTorch on a fresh thread, after {@code flush} or not. */
  private static float squareOfTinyOnANewThread(boolean flush) throws InterruptedException {
    var out = new AtomicReference<Float>();
    var failure = new AtomicReference<Throwable>();
    var t = new Thread(() -> {
      try (var m = NDManager.newBaseManager("PyTorch")) {
        if (flush) {
          assertThat(FlushDenormals.onThisThread()).isTrue();
          assertThat(FlushDenormals.onThisThread()).as("again: already set").isTrue();
        }
        var x = m.create(new float[] {1e-20f});
        out.set(x.mul(x).toFloatArray()[0]);
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    t.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    return out.get();
  }

  @Test
  void pytorchFlushesSubnormalResultsOnlyOnThreadsThatAskedFor() throws InterruptedException {
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent(),
        "needs Java 17's jdk.incubator.foreign (the build's surefire argLine adds it)");
    assertThat(FlushDenormals.status()).isEqualTo("on");
    float plain = squareOfTinyOnANewThread(false);
    assertThat(plain).as("1e-40 is a subnormal float").isPositive().isLessThan(Float.MIN_NORMAL);
    assertThat(squareOfTinyOnANewThread(true)).isZero();
    assertThat(squareOfTinyOnANewThread(false)).as("the setting is per thread").isEqualTo(plain);
  }

  @Test
  void findsAMappedLibraryByName() throws Exception {
    NDManager.newBaseManager("PyTorch").close();
    assertThat(FlushDenormals.loadedLibrary("libtorch_cpu.so")).endsWith("/libtorch_cpu.so");
    assertThat(FlushDenormals.loadedLibrary("no-such-library.so")).isNull();
  }
}

package org.lrdstream.model;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes the calling thread's CPU flush subnormal floats to zero (x86's FTZ and DAZ bits), through
 * PyTorch's own {@code at::globalContext().setFlushDenormal(true)}, the function behind {@code
 * torch.set_flush_denormal(True)}.
 *
 * <p>Why: once LRD's relation classifier is one-hot, its softmax's backward pass multiplies
 * probabilities near e^-100 by small gradients. The products are subnormal, and the matrix products
 * that take them run on a slow path of the CPU. An Office epoch of KDA+LRD took 78.6 s instead of
 * 25.2 s, with the same loss and dev metrics to every printed digit (BENCHMARKS.md, "Subnormal
 * gradients"). Values under 1.2e-38 become 0; nothing this project computes depends on them.
 *
 * <p>The setting belongs to a thread: every thread that runs PyTorch work calls {@link
 * #onThisThread()} before its first operation (it is cheap after the first call), so that OpenMP
 * threads PyTorch starts from it inherit the setting too. It needs Java 17's {@code
 * jdk.incubator.foreign} module with native access ({@code --add-modules jdk.incubator.foreign
 * --enable-native-access=ALL-UNNAMED}; the {@code lrd} script passes both where the JVM has the
 * module). Without them, or with {@code -Dlrd.flushDenormals=false}, nothing changes and {@link
 * #status()} says why. It also applies to Java arithmetic on the same thread (Java's own
 * subnormals flush too).
 */
public final class FlushDenormals {
  /** The system property that turns it off: {@code -Dlrd.flushDenormals=false}. */
  public static final String PROPERTY = "lrd.flushDenormals";

  private static final ThreadLocal<Boolean> DONE = ThreadLocal.withInitial(() -> Boolean.FALSE);
  private static volatile Object resolved; // a Native, or the reason (String) it is unavailable

  private FlushDenormals() {}

  /**
   * Sets FTZ and DAZ on the calling thread (once per thread).
   *
   * @return whether subnormals are now flushed on this thread
   */
  public static boolean onThisThread() {
    if (DONE.get()) {
      return true;
    }
    if (!(resolve() instanceof Native n)) {
      return false;
    }
    boolean ok = n.set();
    if (ok) {
      DONE.set(Boolean.TRUE);
    }
    return ok;
  }

  /** "on", or why subnormals are not flushed. */
  public static String status() {
    return resolve() instanceof Native ? "on" : (String) resolve();
  }

  private static Object resolve() {
    var r = resolved;
    if (r == null) {
      synchronized (FlushDenormals.class) {
        r = resolved;
        if (r == null) {
          r = resolveNow();
          resolved = r;
        }
      }
    }
    return r;
  }

  private static Object resolveNow() {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
      return "off (-D" + PROPERTY + "=false)";
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
      return "unavailable: the JVM runs without jdk.incubator.foreign (Java 17: --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED)";
    }
    try {
      ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch
      String lib = loadedLibrary("libtorch_cpu.so");
      if (lib == null) {
        return "unavailable: libtorch_cpu.so is not loaded in this process";
      }
      return Native.bind(lib);
    } catch (IOException e) {
      return "unavailable: cannot read /proc/self/maps: " + e.getMessage();
    } catch (Throwable e) {
      return "unavailable: " + e;
    }
  }

  /** The path of a shared library this process has mapped, from {@code /proc/self/maps}, or null. */
  static String loadedLibrary(String name) throws IOException {
    for (var line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int i = line.indexOf('/');
      if (i >= 0 && line.endsWith("/" + name)) {
        return line.substring(i);
      }
    }
    return null;
  }

  /** The downcalls; the only class that names the incubator module's types. */
  private static final class Native {
    private final MethodHandle globalContext;
    private final MethodHandle setFlushDenormal;

    private Native(MethodHandle globalContext, MethodHandle setFlushDenormal) {
      this.globalContext = globalContext;
      this.setFlushDenormal = setFlushDenormal;
    }

    static Native bind(String library) {
      System.load(library); // already loaded by DJL: this makes its symbols visible to loaderLookup
      var lookup = jdk.incubator.foreign.SymbolLookup.loaderLookup();
      var linker = jdk.incubator.foreign.CLinker.getInstance();
      var ctx = lookup.lookup("_ZN2at13globalContextEv") // at::globalContext()
          .orElseThrow(() -> new IllegalStateException(library + " lacks at::globalContext()"));
      var set = lookup.lookup("_ZN2at7Context16setFlushDenormalEb") // at::Context::setFlushDenormal(bool)
          .orElseThrow(() -> new IllegalStateException(library + " lacks at::Context::setFlushDenormal"));
      return new Native(
          linker.downcallHandle(ctx, MethodType.methodType(jdk.incubator.foreign.MemoryAddress.class),
              jdk.incubator.foreign.FunctionDescriptor.of(jdk.incubator.foreign.CLinker.C_POINTER)),
          linker.downcallHandle(set,
              MethodType.methodType(byte.class, jdk.incubator.foreign.MemoryAddress.class, byte.class),
              jdk.incubator.foreign.FunctionDescriptor.of(jdk.incubator.foreign.CLinker.C_CHAR,
                  jdk.incubator.foreign.CLinker.C_POINTER, jdk.incubator.foreign.CLinker.C_CHAR)));
    }

    boolean set() {
      try {
        var context = (jdk.incubator.foreign.MemoryAddress) globalContext.invokeExact();
        return (byte) setFlushDenormal.invokeExact(context, (byte) 1) != 0;
      } catch (Throwable e) {
        return false;
      }
    }
  }
}

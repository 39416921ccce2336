package org.lrdstream.encoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of the embedded encoder on a real item-text file, for BENCHMARKS.md; not a test.
 *
 * <pre>
 * mvn -B -o -q -pl encoder -am test-compile
 * mvn -B -o -q -pl encoder dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -cp encoder/target/classes:encoder/target/test-classes:$(cat encoder/target/cp.txt) \
 *     org.lrdstream.encoder.EncoderBenchmark /work/shared/data/office/Office.text 3 32x1,32x2,1x1,64x1
 * </pre>
 *
 * Arguments: the {@code id<TAB>text} file (first line a header), repetitions, and the
 * configurations as {@code <batch>x<threads>}. Batch 1 runs on the first 400 texts only.
 */
public final class EncoderBenchmark {
  private EncoderBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "../shared/data/office/Office.text");
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String configs = args.length > 2 ? args[2] : "32x1,32x2,64x1,1x1";
    List<String> texts = readTexts(file);
    System.out.printf(Locale.ROOT, "%d texts from %s, %d cores, %s%n", texts.size(), file,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
    float[][] reference = null;
    for (String config : configs.split(",")) {
      String[] bt = config.split("x");
      int batch = Integer.parseInt(bt[0]);
      int threads = Integer.parseInt(bt[1]);
      int workers = bt.length > 2 ? Integer.parseInt(bt[2]) : 1; // BATCHxTHREADS[xWORKERS]
      List<String> input = batch == 1 ? texts.subList(0, Math.min(400, texts.size())) : texts;
      long t0 = System.nanoTime();
      try (var encoder = OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q, batch, threads, workers)) {
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        encoder.encode(input.subList(0, Math.min(64, input.size()))); // warm-up
        double[] rates = new double[reps];
        double[] cpuRates = new double[reps];
        float[][] vectors = null;
        for (int r = 0; r < reps; r++) {
          long cpu = processCpuNanos();
          long start = System.nanoTime();
          vectors = encoder.encode(input);
          rates[r] = input.size() / ((System.nanoTime() - start) / 1e9);
          cpuRates[r] = input.size() / ((processCpuNanos() - cpu) / 1e9);
        }
        Arrays.sort(rates);
        Arrays.sort(cpuRates);
        String agreement = "";
        if (reference == null) {
          reference = vectors;
        } else {
          double min = 1;
          double sum = 0;
          for (int i = 0; i < vectors.length; i++) {
            double c = Vectors.cosine(vectors[i], reference[i]);
            min = Math.min(min, c);
            sum += c;
          }
          agreement =
              String.format(Locale.ROOT, "  cosine to first config: mean %.4f min %.4f",
                  sum / vectors.length, min);
        }
        System.out.printf(Locale.ROOT,
            "DJL-OnnxRuntime batch %3d threads %d: median %6.1f texts/s wall (min %.1f, max %.1f),"
                + " %6.1f texts per CPU-second; %d runs of %d texts; load %.2f s; load avg %.1f%s%n",
            batch, threads, rates[reps / 2], rates[0], rates[reps - 1], cpuRates[reps / 2], reps,
            input.size(), loadSeconds, loadAverage(), agreement);
      }
    }
  }

  /** CPU time of the whole process: under contention it says what a quiet core would do. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage();
  }

  static List<String> readTexts(Path file) throws IOException {
    List<String> texts = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      int tab = line.indexOf('\t');
      texts.add(tab < 0 ? line : line.substring(tab + 1));
    }
    return texts;
  }
}

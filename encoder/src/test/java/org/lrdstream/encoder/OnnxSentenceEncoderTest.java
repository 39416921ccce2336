package org.lrdstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded default on real Office product titles; the model loads once for the class. */
class OnnxSentenceEncoderTest {
  static final List<String> STAPLERS =
      List.of(
          "Swingline Commercial Desk Stapler, 20 Sheets, Black (44401) Desktop Staplers Swingline",
          "Swingline High Capacity Desk Stapler, Reduced Effort, 60 Sheets, Black Heavy-Duty Staplers");
  static final List<String> CALCULATORS =
      List.of(
          "Texas Instruments TI-30X IIS 2-Line Scientific Calculator, Black Scientific Texas Instruments",
          "HP 12C Financial Calculator Scientific HP");
  static final List<String> INK =
      List.of(
          "HP 23 Tri-Color Inkjet Print Ink Cartridge in Retail Packaging Inkjet Printer Ink HP",
          "Canon 4479A003 BCI-3eBK Black Ink Cartridge Inkjet Printer Ink Canon");

  static OnnxSentenceEncoder encoder;

  @BeforeAll
  static void load() {
    encoder = OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q);
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  @Test
  void vectorsHave384UnitLengthDimensions() {
    float[][] v = encoder.encode(List.of(STAPLERS.get(0), "", "a"));
    assertThat(encoder.id()).isEqualTo("minilm-l6-v2-q");
    assertThat(encoder.dimension()).isEqualTo(384);
    assertThat(v).hasNumberOfRows(3);
    for (float[] row : v) {
      assertThat(row).hasSize(384);
      assertThat(Vectors.cosine(row, row)).isCloseTo(1.0, within(1e-6));
      assertThat(norm(row)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void productsOfOneTypeAreCloserThanProductsOfDifferentTypes() {
    List<List<String>> types = List.of(STAPLERS, CALCULATORS, INK);
    List<String> all = new ArrayList<>();
    types.forEach(all::addAll);
    float[][] v = encoder.encode(all);
    double within = 0;
    double across = 0;
    int nWithin = 0;
    int nAcross = 0;
    for (int i = 0; i < v.length; i++) {
      for (int j = i + 1; j < v.length; j++) {
        double c = Vectors.cosine(v[i], v[j]);
        if (i / 2 == j / 2) {
          within += c;
          nWithin++;
          // each pair of one type is closer than either member is to any other type
          for (int k = 0; k < v.length; k++) {
            if (k / 2 != i / 2) {
              assertThat(c).isGreaterThan(Vectors.cosine(v[i], v[k]));
            }
          }
        } else {
          across += c;
          nAcross++;
        }
      }
    }
    assertThat(within / nWithin).isGreaterThan(across / nAcross + 0.2);
  }

  @Test
  void aBatchAgreesWithTextsEncodedOneByOneAndKeepsTheOrder() {
    // more than one batch of 32, texts of different lengths so that padding differs per batch
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      List<String> type = List.of(STAPLERS, CALCULATORS, INK).get(i % 3);
      texts.add(type.get(i % 2) + " #" + i + " " + "extra words ".repeat(i % 7));
    }
    List<Long> progress = new ArrayList<>();
    float[][] batched = encoder.encode(texts, progress::add);
    assertThat(progress).containsExactly(32L, 8L); // reported per batch of 32
    for (int i = 0; i < texts.size(); i++) {
      float[] alone = encoder.encode(List.of(texts.get(i)))[0];
      // the int8 model's activations are quantized per batch: close, not identical
      assertThat(Vectors.cosine(batched[i], alone)).as("text %d", i).isGreaterThan(0.98);
    }
  }

  @Test
  void batchesEncodedAtOnceGiveTheVectorsOfOneWorkerInTheSameOrder() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 300; i++) { // more than one sort window of 8 batches of 32
      List<String> type = List.of(STAPLERS, CALCULATORS, INK).get(i % 3);
      texts.add(type.get(i % 2) + " #" + i + " " + "more words ".repeat(i % 11));
    }
    try (var one = OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q, 32, 1, 1);
        var two = OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q, 32, 1, 2)) {
      assertThat(one.workers()).isEqualTo(1);
      assertThat(two.workers()).isEqualTo(2);
      List<Long> progress = new ArrayList<>();
      float[][] a = one.encode(texts);
      float[][] b = two.encode(texts, progress::add);
      assertThat(b).hasNumberOfRows(texts.size());
      for (int i = 0; i < texts.size(); i++) {
        assertThat(b[i]).as("text %d", i).containsExactly(a[i]);
      }
      assertThat(progress.stream().mapToLong(Long::longValue).sum()).isEqualTo(texts.size());
    }
    assertThatThrownBy(() -> OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q, 32, 1, 0))
        .hasMessageContaining("workers must be at least 1");
  }

  @Test
  void sortingByLengthInsideTheEncoderDoesNotMixUpTheOrder() {
    // longest first, so the internal length sort reverses them
    List<String> texts =
        List.of(
            "Fellowes Powershred 79Ci 100% Jam Proof Cross-Cut Shredder, 16 Sheet Capacity",
            INK.get(0),
            CALCULATORS.get(1),
            "Pencil",
            "");
    float[][] batched = encoder.encode(texts);
    float[][] alone = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) {
      alone[i] = encoder.encode(List.of(texts.get(i)))[0];
    }
    for (int i = 0; i < texts.size(); i++) {
      for (int j = 0; j < texts.size(); j++) {
        if (j != i) {
          assertThat(Vectors.cosine(batched[i], alone[i]))
              .as("text %d", i)
              .isGreaterThan(Vectors.cosine(batched[i], alone[j]));
        }
      }
    }
  }

  @Test
  void theSameInputGivesTheSameVectors() {
    float[][] a = encoder.encode(CALCULATORS);
    float[][] b = encoder.encode(CALCULATORS);
    assertThat(a).isDeepEqualTo(b);
  }

  @Test
  void aTextLongerThanTheModelLimitIsTruncatedNotRejected() {
    String longText = "ergonomic office chair with lumbar support ".repeat(300);
    float[][] v = encoder.encode(List.of(longText, "ergonomic office chair with lumbar support"));
    assertThat(norm(v[0])).isCloseTo(1.0, within(1e-5));
    assertThat(Vectors.cosine(v[0], v[1])).isGreaterThan(0.5);
  }

  @Test
  void anEmptyListGivesNoVectors() {
    assertThat(encoder.encode(List.of())).isEmpty();
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }
}

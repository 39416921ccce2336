package org.lrdstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedTextEncoderTest {
  @TempDir Path dir;

  CachedTextEncoder open(CountingEncoder fake) {
    return CachedTextEncoder.open(fake, dir, null);
  }

  static void assertVectorsOf(float[][] actual, List<String> texts) {
    assertThat(actual).hasNumberOfRows(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      assertThat(actual[i]).containsExactly(CountingEncoder.vectorOf(texts.get(i)));
    }
  }

  @Test
  void aSecondCallIsAnsweredFromTheCache() {
    var fake = new CountingEncoder("fake", 32);
    List<String> texts = List.of("stapler", "calculator", "ink");
    try (var cache = open(fake)) {
      assertVectorsOf(cache.encode(texts), texts);
      assertVectorsOf(cache.encode(texts), texts);
      assertThat(fake.textsEncoded()).isEqualTo(3);
      assertThat(cache.hits()).isEqualTo(3);
      assertThat(cache.misses()).isEqualTo(3);
    }
    assertThat(fake.closed).isTrue();
  }

  @Test
  void vectorsSurviveAReopen() {
    List<String> texts = List.of("stapler", "calculator", "ink");
    try (var cache = open(new CountingEncoder("fake", 32))) {
      cache.encode(texts);
    }
    var fresh = new CountingEncoder("fake", 32);
    try (var cache = open(fresh)) {
      assertThat(cache.size()).isEqualTo(3);
      assertThat(cache.dimension()).isEqualTo(4);
      assertVectorsOf(cache.encode(texts), texts);
    }
    assertThat(fresh.calls).isEmpty();
  }

  @Test
  void onlyUncachedTextsReachTheEncoderEachOnce() {
    var fake = new CountingEncoder("fake", 32);
    try (var cache = open(fake)) {
      cache.encode(List.of("a", "b"));
      List<String> texts = List.of("c", "a", "d", "c", "b");
      assertVectorsOf(cache.encode(texts), texts);
    }
    assertThat(fake.calls).containsExactly(List.of("a", "b"), List.of("c", "d"));
  }

  @Test
  void theCallerCannotCorruptTheCacheThroughAReturnedArray() {
    try (var cache = open(new CountingEncoder("fake", 32))) {
      cache.encode(List.of("x"))[0][0] = 42;
      assertThat(cache.encode(List.of("x"))[0]).containsExactly(CountingEncoder.vectorOf("x"));
      cache.encode(List.of("x"))[0][0] = 42;
      assertThat(cache.encode(List.of("x"))[0]).containsExactly(CountingEncoder.vectorOf("x"));
    }
  }

  @Test
  void encodersWithDifferentIdsDoNotShareVectors() {
    try (var cache = open(new CountingEncoder("model-a", 32))) {
      cache.encode(List.of("x"));
    }
    var other = new CountingEncoder("openai:model-b@http://127.0.0.1:9", 32);
    try (var cache = open(other)) {
      cache.encode(List.of("x"));
      assertThat(cache.file().getFileName().toString())
          .matches("openai_model-b_http___127\\.0\\.0\\.1_9-[0-9a-f]{8}\\.vec");
    }
    assertThat(other.textsEncoded()).isEqualTo(1);
  }

  @Test
  void aRecordTornByACrashIsIgnoredAndCutOff() throws IOException {
    List<String> texts = List.of("one", "two", "three");
    Path file;
    try (var cache = open(new CountingEncoder("fake", 32))) {
      cache.encode(texts);
      file = cache.file();
    }
    long intact = Files.size(file);
    // a crash in the middle of appending the fourth record
    byte[] partial = new byte[CachedTextEncoder.recordBytes(4) - 7];
    partial[0] = 1;
    Files.write(file, partial, StandardOpenOption.APPEND);

    var fake = new CountingEncoder("fake", 32);
    try (var cache = open(fake)) {
      assertThat(cache.size()).isEqualTo(3);
      assertThat(Files.size(file)).isEqualTo(intact);
      assertVectorsOf(cache.encode(List.of("three", "four")), List.of("three", "four"));
    }
    assertThat(fake.calls).containsExactly(List.of("four"));
    try (var cache = open(new CountingEncoder("fake", 32))) {
      assertThat(cache.size()).isEqualTo(4); // the append after recovery is aligned
    }
  }

  @Test
  void aRecordWithTheRightLengthButWrongContentIsDropped() throws IOException {
    Path file;
    try (var cache = open(new CountingEncoder("fake", 32))) {
      cache.encode(List.of("one", "two"));
      file = cache.file();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 10] ^= 0x55; // inside the last vector: the checksum no longer matches
    Files.write(file, bytes);
    var fake = new CountingEncoder("fake", 32);
    try (var cache = open(fake)) {
      assertThat(cache.size()).isEqualTo(1);
      cache.encode(List.of("one", "two"));
    }
    assertThat(fake.calls).containsExactly(List.of("two"));
  }

  @Test
  void aTornHeaderStartsAnEmptyCache() throws IOException {
    Path file;
    try (var cache = open(new CountingEncoder("fake", 32))) {
      cache.encode(List.of("one"));
      file = cache.file();
    }
    Files.write(file, new byte[] {'L', 'R', 'D'});
    try (var cache = open(new CountingEncoder("fake", 32))) {
      assertThat(cache.size()).isZero();
      cache.encode(List.of("one"));
    }
    try (var cache = open(new CountingEncoder("fake", 32))) {
      assertThat(cache.size()).isEqualTo(1);
    }
  }

  @Test
  void aFileOfAnotherEncoderOrNotACacheIsRefusedWithItsName() throws IOException {
    Path fileA;
    try (var cache = open(new CountingEncoder("model-a", 32))) {
      cache.encode(List.of("x"));
      fileA = cache.file();
    }
    Files.copy(fileA, dir.resolve(CachedTextEncoder.fileName("model-b")));
    assertThatThrownBy(() -> open(new CountingEncoder("model-b", 32)))
        .isInstanceOf(EncoderException.class)
        .hasMessageContaining("belongs to encoder model-a, not model-b");

    Files.writeString(dir.resolve(CachedTextEncoder.fileName("model-c")), "id\ttext\n");
    assertThatThrownBy(() -> open(new CountingEncoder("model-c", 32)))
        .isInstanceOf(EncoderException.class)
        .hasMessageContaining("model-c.vec")
        .hasMessageContaining("not a vector cache file");
  }

  @Test
  void progressIsShownWhenMoreThanOneBatchIsEncoded() {
    var bytes = new ByteArrayOutputStream();
    var out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    var fake = new CountingEncoder("fake", 2);
    try (var cache = CachedTextEncoder.open(fake, dir, out)) {
      cache.encode(List.of("a"));
      assertThat(bytes.size()).isZero(); // one batch: no bar
      cache.encode(List.of("a", "b", "c", "d", "e", "f"));
    }
    assertThat(fake.calls)
        .containsExactly(List.of("a"), List.of("b", "c"), List.of("d", "e"), List.of("f"));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("encode fake").contains("5/5");
  }
}

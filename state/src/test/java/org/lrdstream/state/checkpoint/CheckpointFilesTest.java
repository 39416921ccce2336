package org.lrdstream.state.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {
  static Checkpoint sample(long version) {
    var config = new ObjectMapper().createObjectNode().put("dim", 4);
    return new Checkpoint(version, 1234L, config, List.of("sequence", "latent-1"), List.of("", "u1"),
        List.of("", "a", "b"), Map.of("sequence-events-0", 42L), Map.of("dev.NDCG@5", 0.3),
        Map.of("seed", 1), List.of(
            Tensor.of("param.entity", new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 3, 2),
            Tensor.ofLongs("items.valueIndex", new long[] {0, 7, 9}, 3)));
  }

  @Test
  void roundTripsEveryFieldAndTensor(@TempDir Path tmp) {
    var dir = tmp.resolve("ckpt");
    var sha = CheckpointFiles.write(sample(3), dir);
    var c = CheckpointFiles.read(dir);
    assertThat(c.version()).isEqualTo(3);
    assertThat(c.relations()).containsExactly("sequence", "latent-1");
    assertThat(c.items()).containsExactly("", "a", "b");
    assertThat(c.offsets()).containsEntry("sequence-events-0", 42L);
    assertThat(c.metrics()).containsEntry("dev.NDCG@5", 0.3);
    assertThat(c.config().path("dim").asInt()).isEqualTo(4);
    assertThat(c.tensor("param.entity").floats()).containsExactly(1.5f, -2f, 3f, 4f, 5f, 6f);
    assertThat(c.tensor("param.entity").shape()).containsExactly(3, 2);
    assertThat(c.tensor("items.valueIndex").longs()).containsExactly(0, 7, 9);
    assertThat(sha).hasSize(64);
  }

  @Test
  void overwritingReplacesTheWholeCheckpoint(@TempDir Path tmp) {
    var dir = tmp.resolve("ckpt");
    CheckpointFiles.write(sample(1), dir);
    CheckpointFiles.write(sample(2), dir);
    assertThat(CheckpointFiles.read(dir).version()).isEqualTo(2);
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("ckpt");
    }
    catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFlippedByteIsDetectedByTheChecksum(@TempDir Path tmp) throws IOException {
    var dir = tmp.resolve("ckpt");
    CheckpointFiles.write(sample(1), dir);
    try (var f = new RandomAccessFile(dir.resolve(CheckpointFiles.DATA).toFile(), "rw")) {
      f.seek(5);
      int b = f.read();
      f.seek(5);
      f.write(b ^ 0x40);
    }
    assertThatThrownBy(() -> CheckpointFiles.read(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("sha256")
        .hasMessageContaining("corrupt");
  }

  @Test
  void aTruncatedCheckpointIsRefused(@TempDir Path tmp) throws IOException {
    var dir = tmp.resolve("ckpt");
    CheckpointFiles.write(sample(1), dir);
    try (var f = new RandomAccessFile(dir.resolve(CheckpointFiles.DATA).toFile(), "rw")) {
      f.setLength(f.length() - 3);
    }
    assertThatThrownBy(() -> CheckpointFiles.read(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("partial or corrupt");
  }

  @Test
  void aDirectoryWithoutMetadataIsNotACheckpoint(@TempDir Path tmp) throws IOException {
    var dir = Files.createDirectories(tmp.resolve("half"));
    Files.write(dir.resolve(CheckpointFiles.DATA), new byte[8]);
    assertThatThrownBy(() -> CheckpointFiles.read(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("not a checkpoint");
  }
}

package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * A published model checkpoint, on {@code model-checkpoints} (compacted). Exactly one of {@code
 * path} and {@code bytes} is set: small models travel inline, large ones by path.
 *
 * @param createdAt epoch milliseconds
 * @param sha256 of the checkpoint bytes, hex
 * @param trainingOffsets {@code topic-partition} to the next offset the checkpoint has not seen, so
 *     a trainer resumes from exactly there
 * @param metrics metric name to value at publication (losses, online HR@10...)
 */
@JsonPropertyOrder({
  "schema", "version", "created_at", "path", "bytes", "sha256", "training_offsets", "metrics"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointMetadata(
    long version,
    @JsonProperty("created_at") long createdAt,
    String path,
    byte[] bytes,
    String sha256,
    @JsonProperty("training_offsets") Map<String, Long> trainingOffsets,
    Map<String, Double> metrics) {

  public static final int SCHEMA = 1;

  public CheckpointMetadata {
    if ((path == null) == (bytes == null)) {
      throw new IllegalArgumentException("a checkpoint has either a path or bytes, not both or none");
    }
    trainingOffsets = trainingOffsets == null ? Map.of() : Map.copyOf(trainingOffsets);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }
}

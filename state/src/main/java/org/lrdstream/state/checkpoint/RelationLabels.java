package org.lrdstream.state.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Human-readable names of a checkpoint's relations ({@code latent-3} → "ink / toner / cartridge"),
 * kept beside the checkpoint in {@value #FILE} (outside the hashed tensors, so that naming never
 * changes a checkpoint's identity) and used wherever a relation is shown: the scorer's reasons,
 * {@code lrd explain}.
 *
 * @param labels relation name to its label
 * @param source how the labels were made ("tf-idf", or the chat model that refined them)
 */
public record RelationLabels(Map<String, String> labels, String source) {
  public static final String FILE = "relation-labels.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public RelationLabels {
    labels = Map.copyOf(labels);
  }

  /** The label of a relation, or its own name when it has none. */
  public String display(String relation) {
    var l = labels.get(relation);
    return l == null ? relation : relation + " (" + l + ")";
  }

  /** Writes the labels beside the checkpoint in {@code dir}, atomically. */
  public void writeTo(Path checkpointDir) {
    var m = new LinkedHashMap<String, Object>();
    m.put("source", source);
    m.put("labels", new java.util.TreeMap<>(labels));
    try {
      DurableFiles.writeAtomically(checkpointDir.resolve(FILE), JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      throw new CheckpointException("cannot write " + checkpointDir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /** The labels stored beside a checkpoint; none (an empty map) when there is no labels file. */
  public static RelationLabels readFrom(Path checkpointDir) {
    var file = checkpointDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return new RelationLabels(Map.of(), "none");
    }
    try {
      var root = JSON.readTree(file.toFile());
      var labels = new LinkedHashMap<String, String>();
      root.path("labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
      return new RelationLabels(labels, root.path("source").asText("unknown"));
    } catch (IOException e) {
      throw new CheckpointException(file + ": not a readable labels file: " + e.getMessage(), e);
    }
  }
}

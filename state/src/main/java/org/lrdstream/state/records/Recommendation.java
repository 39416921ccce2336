package org.lrdstream.state.records;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The ranked next items for a user, on {@code recommendations} (key: user id).
 *
 * @param afterEvent the event id (or {@code user@ts} when the event had none) this list follows
 * @param generatedAt epoch milliseconds
 */
@JsonPropertyOrder({"schema", "user", "after_event", "model_version", "generated_at", "items"})
public record Recommendation(
    String user,
    @JsonProperty("after_event") String afterEvent,
    @JsonProperty("model_version") long modelVersion,
    @JsonProperty("generated_at") long generatedAt,
    List<RecommendedItem> items) {

  public static final int SCHEMA = 1;

  public Recommendation {
    items = items == null ? List.of() : List.copyOf(items);
  }

  @JsonProperty("schema")
  public int schema() {
    return SCHEMA;
  }

  /** One recommended item, its score and why. */
  public record RecommendedItem(String item, double score, Reason reason) {}

  /**
   * Why an item is recommended: the relation ({@code complement}, {@code share-category}, a latent
   * relation...) and the history item it relates to; both null when none explains it. {@code label}
   * is the relation's human-readable name when the model has one (from {@code lrd relations}, e.g.
   * "ink / toner / cartridge" for {@code latent-3}), else absent.
   */
  public record Reason(
      @JsonInclude(JsonInclude.Include.NON_NULL) String relation,
      @JsonProperty("because_of") @JsonInclude(JsonInclude.Include.NON_NULL) String becauseOf,
      @JsonInclude(JsonInclude.Include.NON_NULL) String label) {
    public Reason(String relation, String becauseOf) {
      this(relation, becauseOf, null);
    }
  }
}

package org.lrdstream.ingest.topology;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Objects;
import org.lrdstream.state.records.Interaction;
import org.lrdstream.state.records.RejectReason;
import org.lrdstream.state.records.SequenceEvent;

/**
 * What becomes of one input record as it moves through the topology. The processors emit these and
 * the topology routes them by kind: the closed set makes every record end up somewhere.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = IngestOutcome.Accepted.class, name = "accepted"),
  @JsonSubTypes.Type(value = IngestOutcome.Rejected.class, name = "rejected"),
  @JsonSubTypes.Type(value = IngestOutcome.Sequenced.class, name = "sequenced")
})
public sealed interface IngestOutcome {

  /** Where a record was first read: the DLQ points there, even after a repartition. */
  record Source(String topic, int partition, long offset) {}

  /**
   * A valid interaction, still carrying its original bytes in case a later rule (lateness) rejects
   * it: the DLQ gets what the client sent, untouched.
   */
  record Accepted(Interaction interaction, byte[] rawKey, byte[] rawValue, Source source)
      implements IngestOutcome {
    public Accepted {
      Objects.requireNonNull(interaction, "interaction");
    }

    /** True when the record's key is the user id, i.e. it already sits in the user's partition. */
    boolean keyedByUser() {
      return rawKey != null
          && java.util.Arrays.equals(
              rawKey, interaction.user().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** A record for the DLQ, with why. */
  record Rejected(
      RejectReason reason, String error, byte[] rawKey, byte[] rawValue, Source source)
      implements IngestOutcome {}

  /** An interaction that entered its user's history. */
  record Sequenced(SequenceEvent event) implements IngestOutcome {}
}

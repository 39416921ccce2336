package org.lrdstream.state.records;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Reads an {@link Interaction} strictly from the bytes a client published, and writes the canonical
 * form (timestamps as epoch milliseconds). Every way a record can be wrong maps to one {@link
 * RejectReason} with a message naming the field.
 */
public final class InteractionCodec {
  private InteractionCodec() {}

  public static Interaction decode(byte[] bytes) throws RecordRejectedException {
    var root = Fields.object(bytes, "interaction");
    Fields.schema(root, Interaction.SCHEMA);
    var user = Fields.id(root, "user");
    var item = Fields.id(root, "item");
    long ts = Fields.timestamp(root, "ts");
    var typeName = Fields.optionalString(root, "type");
    EventType type = EventType.VIEW; // the weakest signal when a client does not say
    if (typeName != null) {
      type =
          EventType.fromWireName(typeName)
              .orElseThrow(
                  () ->
                      new RecordRejectedException(
                          RejectReason.UNKNOWN_EVENT_TYPE,
                          "type '"
                              + Fields.abbreviate(typeName)
                              + "' is not one of view, click, purchase, rating"));
    }
    var eventId = Fields.optionalString(root, "event_id");
    if (eventId != null && eventId.isBlank()) {
      eventId = null; // an empty id cannot identify a repeat; treat as absent
    }
    return new Interaction(user, item, ts, type, eventId);
  }

  public static byte[] encode(Interaction interaction) {
    try {
      return Json.MAPPER.writeValueAsBytes(interaction);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write interaction " + interaction, e);
    }
  }
}

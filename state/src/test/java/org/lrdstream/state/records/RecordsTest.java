package org.lrdstream.state.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecordsTest {

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void sequenceEventsAreWrittenByteForByteAsTheMapperWritesThem() throws Exception {
    var events = List.of(
        new SequenceEvent("u1", "i2", 5L, EventType.PURCHASE, "ev",
            List.of(new HistoryEntry("i0", 1L), new HistoryEntry("i1", 3L))),
        new SequenceEvent("u1", "i2", 1_700_000_000_000L, EventType.VIEW, null, List.of()),
        new SequenceEvent("ü \"q\" \n", "\u0001é", 0L, EventType.RATING, "", null),
        new SequenceEvent("u", "i", Long.MAX_VALUE, null, "e", List.of(new HistoryEntry("x", -3L))));
    var serde = RecordSerdes.sequenceEvent();
    for (var e : events) {
      var bytes = serde.serializer().serialize("sequence-events", e);
      assertThat(new String(bytes, UTF_8)).isEqualTo(new String(Json.MAPPER.writeValueAsBytes(e), UTF_8));
      assertThat(serde.deserializer().deserialize("sequence-events", bytes)).isEqualTo(e);
    }
    assertThat(serde.serializer().serialize("sequence-events", null)).isNull();
  }

  @Test
  void eventTypesAreLowerCaseOnTheWireAndParsedIgnoringCase() {
    assertThat(EventType.PURCHASE.wireName()).isEqualTo("purchase");
    assertThat(EventType.fromWireName("rating")).contains(EventType.RATING);
    assertThat(EventType.fromWireName("Click")).contains(EventType.CLICK);
    assertThat(EventType.fromWireName("VIEW")).contains(EventType.VIEW);
    assertThat(EventType.fromWireName("like")).isEmpty();
    assertThat(EventType.fromWireName(null)).isEmpty();
  }

  @Test
  void interactionReadsEpochMillisAndIsoTimestampsAlike() throws Exception {
    var a = InteractionCodec.decode(b("{\"user\":\"u1\",\"item\":\"i9\",\"ts\":1714564800000}"));
    var c = InteractionCodec.decode(b("{\"user\":\"u1\",\"item\":\"i9\",\"ts\":\"2024-05-01T12:00:00Z\"}"));
    var d =
        InteractionCodec.decode(
            b("{\"user\":\"u1\",\"item\":\"i9\",\"ts\":\"2024-05-01T14:00:00+02:00\"}"));
    assertThat(a).isEqualTo(c).isEqualTo(d);
    assertThat(a.type()).isEqualTo(EventType.VIEW);
    assertThat(a.eventId()).isNull();
  }

  @Test
  void interactionWritesTheCanonicalJsonWithSchemaVersion() throws Exception {
    var i = new Interaction("u1", "i9", 1714564800000L, EventType.PURCHASE, "e-1");
    var json = new String(InteractionCodec.encode(i), UTF_8);
    assertThat(json)
        .isEqualTo(
            "{\"schema\":1,\"user\":\"u1\",\"item\":\"i9\",\"ts\":1714564800000,"
                + "\"type\":\"purchase\",\"event_id\":\"e-1\"}");
    assertThat(InteractionCodec.decode(b(json))).isEqualTo(i);
    var serde = RecordSerdes.interaction();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", i)))
        .isEqualTo(i);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{not json                                            | MALFORMED_JSON",
        "''                                                   | MALFORMED_JSON",
        "[1,2]                                                | WRONG_TYPE",
        "{\"item\":\"i\",\"ts\":1}                            | MISSING_FIELD",
        "{\"user\":\"\",\"item\":\"i\",\"ts\":1}              | MISSING_FIELD",
        "{\"user\":\"u\",\"item\":\" \",\"ts\":1}             | MISSING_FIELD",
        "{\"user\":\"u\",\"item\":\"i\"}                      | MISSING_FIELD",
        "{\"user\":7,\"item\":\"i\",\"ts\":1}                 | WRONG_TYPE",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":true}          | WRONG_TYPE",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":1.5}           | WRONG_TYPE",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":\"yesterday\"} | BAD_TIMESTAMP",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":-5}            | BAD_TIMESTAMP",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":1,\"type\":\"like\"} | UNKNOWN_EVENT_TYPE",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":1,\"type\":3}  | WRONG_TYPE",
        "{\"schema\":2,\"user\":\"u\",\"item\":\"i\",\"ts\":1} | UNSUPPORTED_SCHEMA",
      })
  void interactionRejectsEachBadInputWithItsReason(String json, RejectReason reason) {
    assertThatThrownBy(() -> InteractionCodec.decode(b(json)))
        .isInstanceOfSatisfying(
            RecordRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageNotContaining("Exception");
  }

  @Test
  void itemReadsNumericAttributesAndRelationIdsAsStrings() throws Exception {
    var item =
        ItemCodec.decode(
            b(
                "{\"item\":\"170\",\"text\":\"Stapler\",\"attributes\":{\"category\":1,\"brand\":\"acme\"},"
                    + "\"relations\":{\"complement\":[451,\"1886\"],\"substitute\":[]}}"));
    assertThat(item.attributes()).containsEntry("category", List.of("1")).containsEntry("brand", List.of("acme"));
    assertThat(item.attribute("category")).contains("1");
    assertThat(item.relations().get("complement")).containsExactly("451", "1886");
    var serde = RecordSerdes.item();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", item)))
        .isEqualTo(item);
  }

  @Test
  void itemReadsAMultiValuedAttributeAsAList() throws Exception {
    var item = ItemCodec.decode(b("{\"item\":\"5\",\"attributes\":{\"genre\":[3,7]}}"));
    assertThat(item.attributes().get("genre")).containsExactly("3", "7");
    assertThat(item.text()).isEmpty();
  }

  @Test
  void itemRejectsARelationThatIsNotAList() {
    assertThatThrownBy(
            () -> ItemCodec.decode(b("{\"item\":\"1\",\"relations\":{\"complement\":\"2\"}}")))
        .isInstanceOfSatisfying(
            RecordRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectReason.WRONG_TYPE))
        .hasMessageContaining("relations.complement");
  }

  @Test
  void sequenceEventRecommendationAndCheckpointRoundTrip() {
    var se =
        new SequenceEvent(
            "u", "i3", 30L, EventType.CLICK, null,
            List.of(new HistoryEntry("i1", 10L), new HistoryEntry("i2", 20L)));
    var seSerde = RecordSerdes.sequenceEvent();
    assertThat(seSerde.deserializer().deserialize("t", seSerde.serializer().serialize("t", se)))
        .isEqualTo(se);

    var rec =
        new Recommendation(
            "u", "e-1", 7L, 40L,
            List.of(
                new Recommendation.RecommendedItem(
                    "i4", 0.9, new Recommendation.Reason("complement", "i3"))));
    var rSerde = RecordSerdes.recommendation();
    var json = new String(rSerde.serializer().serialize("t", rec), UTF_8);
    assertThat(json).contains("\"after_event\":\"e-1\"", "\"because_of\":\"i3\"", "\"schema\":1");
    assertThat(rSerde.deserializer().deserialize("t", b(json))).isEqualTo(rec);

    var cp =
        new CheckpointMetadata(
            3L, 50L, "/ckpt/3", null, "ab12", Map.of("sequence-events-0", 120L), Map.of("hr10", 0.4));
    var cSerde = RecordSerdes.checkpointMetadata();
    var back = cSerde.deserializer().deserialize("t", cSerde.serializer().serialize("t", cp));
    assertThat(back.trainingOffsets()).isEqualTo(cp.trainingOffsets());
    assertThat(back.path()).isEqualTo("/ckpt/3");
  }

  @Test
  void aReaderRefusesANewerSchemaLoudly() {
    var serde = RecordSerdes.sequenceEvent();
    assertThatThrownBy(
            () ->
                serde.deserializer()
                    .deserialize("sequence-events", b("{\"schema\":9,\"user\":\"u\",\"item\":\"i\"}")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema 9");
  }
}

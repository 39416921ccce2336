package org.lrdstream.state.records;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The streaming fast path of {@link InteractionCodec#decode} against the tree reading it shortcuts. */
class InteractionCodecTest {

  static List<String> records() {
    return List.of(
        // accepted by the fast path
        "{\"user\":\"u1\",\"item\":\"i1\",\"ts\":1700000000000}",
        "{\"schema\":1,\"user\":\"u1\",\"item\":\"i1\",\"ts\":0,\"type\":\"purchase\",\"event_id\":\"e1\"}",
        "  {\"item\":\"i\\u00e9\",\"user\":\"a \\\"b\\\"\",\"ts\":5,\"type\":\"Click\",\"event_id\":\"  \"}  ",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"extra\":{\"nested\":[1,{\"a\":null}]},\"more\":[true]}",
        "{\"user\":\"x\",\"user\":\"u\",\"item\":\"i\",\"ts\":7}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":9223372036854775807}",
        // left to the tree reading: every rejection, and the accepted forms the fast path does not take
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":\"2024-05-01T12:00:00Z\"}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":\"2024-05-01T14:00:00+02:00\"}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"type\":null,\"event_id\":null,\"schema\":null}",
        "{\"user\":42,\"user\":\"u\",\"item\":\"i\",\"ts\":7}",
        "{\"user\":\"u\",\"user\":null,\"item\":\"i\",\"ts\":7}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7} trailing",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":-1}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":1.5}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":99999999999999999999}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":\"yesterday\"}",
        "{\"user\":\"u\",\"item\":\"i\"}",
        "{\"user\":\"\",\"item\":\"i\",\"ts\":7}",
        "{\"user\":\"u\",\"item\":\" \",\"ts\":7}",
        "{\"user\":[\"u\"],\"item\":\"i\",\"ts\":7}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"type\":\"like\"}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"type\":3}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"event_id\":{}}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"schema\":2}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"schema\":1.0}",
        "{\"user\":\"u\",\"item\":\"i\",\"ts\":7,\"schema\":0}",
        "[1,2]",
        "\"text\"",
        "{\"user\":\"u\",",
        "not json",
        "");
  }

  @ParameterizedTest
  @MethodSource("records")
  void decodeGivesWhatTheTreeReadingGives(String json) {
    var bytes = json.getBytes(UTF_8);
    assertThat(outcome(() -> InteractionCodec.decode(bytes)))
        .isEqualTo(outcome(() -> InteractionCodec.decodeTree(bytes)));
  }

  @Test
  void theFastPathTakesThePlainRecordsAndNothingItCannotCheck() {
    var all = records();
    for (int k = 0; k < all.size(); k++) {
      var fast = InteractionCodec.decodeWellFormed(all.get(k).getBytes(UTF_8));
      if (k < 6) {
        assertThat(fast).as(all.get(k)).isNotNull();
      } else {
        assertThat(fast).as(all.get(k)).isNull();
      }
    }
    assertThat(InteractionCodec.decodeWellFormed(null)).isNull();
    assertThat(InteractionCodec.decodeWellFormed(
        "{\"user\":\"a \\\"b\\\"\",\"item\":\"i\\u00e9\",\"ts\":5,\"type\":\"Click\",\"event_id\":\"  \"}".getBytes(UTF_8)))
        .isEqualTo(new Interaction("a \"b\"", "ié", 5, EventType.CLICK, null));
  }

  private interface Decode {
    Interaction run() throws RecordRejectedException;
  }

  /** The decoded record, or the reason and message it was rejected with. */
  private static Object outcome(Decode d) {
    try {
      return d.run();
    } catch (RecordRejectedException e) {
      return e.reason() + ": " + e.getMessage();
    }
  }
}

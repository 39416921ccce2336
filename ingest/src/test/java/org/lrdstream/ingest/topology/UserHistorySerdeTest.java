package org.lrdstream.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrdstream.state.records.HistoryEntry;

class UserHistorySerdeTest {

  @Test
  void theDirectCodecWritesAndReadsTheStreamFormatByteForByte() {
    var histories = List.of(
        UserHistory.EMPTY,
        new UserHistory(List.of(new HistoryEntry("B00004VVIX", 1_700_000_000_000L), new HistoryEntry("42", -5L))),
        new UserHistory(List.of(new HistoryEntry("", 0L), new HistoryEntry("a b~\u007f", Long.MAX_VALUE))),
        // not plain ASCII: NUL, two- and three-byte characters, a supplementary one
        new UserHistory(List.of(new HistoryEntry("caf\u00e9", 1L), new HistoryEntry("x\u0000y", 2L))),
        new UserHistory(List.of(new HistoryEntry("ascii", 1L), new HistoryEntry("\u6f22\ud83d\ude00", 3L))));
    var serde = UserHistory.serde();
    for (var h : histories) {
      var bytes = serde.serializer().serialize("t", h);
      assertThat(bytes).as(h.toString()).isEqualTo(UserHistory.encodeWithStreams(h));
      assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(h);
      assertThat(UserHistory.decodeWithStreams(bytes)).isEqualTo(h);
    }
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }
}

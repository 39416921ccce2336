package org.lrdstream.ingest.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;

/** The whole Office data set through ingest on the embedded broker. */
class OfficeReplayIT {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void everyUserEndsWithTheLastTwentyItemsOfTheirSequence(@TempDir Path dir) throws Exception {
    new OfficeScenarios(broker.bootstrapServers(), dir).replayWholeDataSet();
  }
}

package org.lrdstream.ingest.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrdstream.ingest.broker.EmbeddedKafkaBroker;

/** Ingest killed (SIGKILL) mid-replay and replaced: nothing lost, nothing doubled. */
class IngestCrashRecoveryIT {
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
  void aKilledInstanceLosesAndDoublesNothing(@TempDir Path dir) throws Exception {
    new OfficeScenarios(broker.bootstrapServers(), dir).killIngestMidReplayThenRecover();
  }
}

package org.lrdstream.ingest.it;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** {@link IngestCrashRecoveryIT} against a Kafka container; skipped without a Docker engine. */
@Testcontainers(disabledWithoutDocker = true)
class IngestCrashRecoveryContainerIT {
  @Container static final KafkaContainer KAFKA = ContainerKafka.create();

  @Test
  void aKilledInstanceLosesAndDoublesNothing(@TempDir Path dir) throws Exception {
    new OfficeScenarios(KAFKA.getBootstrapServers(), dir).killIngestMidReplayThenRecover();
  }
}

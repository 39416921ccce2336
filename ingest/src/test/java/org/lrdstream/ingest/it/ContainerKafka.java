package org.lrdstream.ingest.it;

import org.testcontainers.kafka.KafkaContainer;

/** The Kafka image of the Testcontainers variants: the same version as the clients. */
final class ContainerKafka {
  private ContainerKafka() {}

  static KafkaContainer create() {
    return new KafkaContainer("apache/kafka:4.3.1");
  }
}

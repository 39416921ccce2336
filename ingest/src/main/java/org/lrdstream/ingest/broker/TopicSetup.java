package org.lrdstream.ingest.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.lrdstream.state.Topics;

/**
 * Creates lrd-stream's topics ({@link Topics#all()}) where they are missing, on the embedded broker
 * or any cluster. Existing topics are left as they are. The replication factor is the cluster's
 * default ({@code default.replication.factor}), so the same call suits one node and a cluster.
 */
public final class TopicSetup {
  private TopicSetup() {}

  /** The partition count of the partitioned topics when nobody says: room to scale out to 3. */
  public static final int DEFAULT_PARTITIONS = 3;

  /** Creates the missing topics; returns the names it created. */
  public static List<String> ensureTopics(String bootstrapServers, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    try (var admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
      var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      var created = new ArrayList<String>();
      for (var spec : Topics.all()) {
        if (existing.contains(spec.name())) {
          continue;
        }
        var topic = new NewTopic(spec.name(), Optional.of(spec.partitioned() ? partitions : 1),
            Optional.empty()).configs(spec.configs());
        try {
          admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
          created.add(spec.name());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // another process creating it at the same time is fine, anything else is not
          }
        }
      }
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot create the topics on " + bootstrapServers + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stamps a topic's records with the time the broker appended them (instead of the producer's
   * event time): benchmarks measure latency from that moment.
   */
  public static void useLogAppendTime(String bootstrapServers, String topic) {
    try (var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
          new ConfigEntry("message.timestamp.type", "LogAppendTime"), AlterConfigOp.OpType.SET)))).all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while configuring " + topic, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot switch " + topic + " to log-append time: " + e.getMessage(), e);
    }
  }
}

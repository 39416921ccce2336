package org.lrdstream.scorer.topology;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.lrdstream.scorer.serving.CheckpointLoader;
import org.lrdstream.scorer.ScorerConfig;
import org.lrdstream.scorer.serving.ModelHolder;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;
import org.lrdstream.state.Topics;
import org.lrdstream.state.records.CheckpointMetadata;
import org.lrdstream.state.records.RecordSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code model-checkpoints} (a global store: every instance sees every checkpoint) and
 * swaps each newer, intact checkpoint into the {@link ModelHolder}. A record that cannot be read, a
 * checkpoint that fails its checksum or cannot be loaded is refused — logged and counted — and the
 * current model keeps serving. On start, the newest checkpoint in the restored store is loaded.
 */
final class FollowCheckpoints implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(FollowCheckpoints.class);

  private final ModelHolder holder;
  private final int layers;
  private final Deserializer<CheckpointMetadata> decoder = RecordSerdes.checkpointMetadata().deserializer();
  private final ScorerConfig config;
  private KeyValueStore<String, byte[]> store;
  private Sensor loaded;
  private Sensor refused;
  private Sensor version;

  FollowCheckpoints(ModelHolder holder, ScorerConfig config) {
    this.holder = holder;
    this.config = config;
    this.layers = config.layers();
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(Stores.MODEL_CHECKPOINTS);
    var m = context.metrics();
    loaded = ScorerSensors.counter(m, MetricNames.CHECKPOINTS_LOADED, "checkpoints loaded and serving", java.util.Map.of());
    refused = ScorerSensors.counter(m, MetricNames.CHECKPOINTS_REFUSED, "checkpoints refused (corrupt or unreadable)", java.util.Map.of());
    version = ScorerSensors.gauge(m, MetricNames.MODEL_VERSION, "version of the model serving");
    if (holder.version() >= 0) {
      version.record(holder.version());
    }
    CheckpointMetadata newest = null;
    try (var all = store.all()) {
      while (all.hasNext()) {
        var meta = decode(all.next().value);
        if (meta != null && (newest == null || meta.version() > newest.version())) {
          newest = meta;
        }
      }
    }
    if (newest != null) {
      load(newest);
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    var key = record.key() == null ? "" : record.key();
    if (record.value() == null) {
      store.delete(key);
      return;
    }
    var meta = decode(record.value());
    if (meta == null) {
      refused.record();
      return;
    }
    store.put(key, record.value());
    load(meta);
  }

  private CheckpointMetadata decode(byte[] bytes) {
    try {
      return decoder.deserialize(Topics.MODEL_CHECKPOINTS, bytes);
    } catch (RuntimeException e) {
      log.warn("refused an unreadable {} record: {}", Topics.MODEL_CHECKPOINTS, e.getMessage());
      return null;
    }
  }

  private void load(CheckpointMetadata meta) {
    long current = holder.version();
    if (meta.version() <= current) {
      log.info("checkpoint v{} is not newer than v{} serving: ignored", meta.version(), current);
      return;
    }
    try {
      var model = CheckpointLoader.fromMetadata(meta, layers);
      // warmed here, on the global thread, so the stream thread's first batches on it are not slow
      model.workers(config.effectiveModelWorkers()).warmUp(config.batch(), config.candidates());
      if (holder.offer(model)) {
        loaded.record();
        version.record(model.version());
        log.info("serving checkpoint v{} ({} items, {} from text vectors)", model.version(), model.numItems(),
            model.projectedItems());
      }
    } catch (RuntimeException e) {
      refused.record();
      log.warn("refused checkpoint v{}: {}; still serving v{}", meta.version(), e.getMessage(), current);
    }
  }
}

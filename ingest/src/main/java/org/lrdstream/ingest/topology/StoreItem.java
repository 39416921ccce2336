package org.lrdstream.ingest.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.lrdstream.state.MetricNames;
import org.lrdstream.state.Stores;
import org.lrdstream.state.records.Item;
import org.lrdstream.state.records.ItemCodec;
import org.lrdstream.state.records.RecordRejectedException;
import org.lrdstream.state.records.RejectReason;

/**
 * Keeps the catalog: the latest record per item (text, attributes, relations), independent of the
 * interactions, so an item may arrive before or after its first interaction. A tombstone (key, no
 * value) removes the item, as compaction will on the topic. Bad records go to the DLQ.
 */
final class StoreItem implements Processor<byte[], byte[], String, IngestOutcome> {
  private final int maxRecordBytes;
  private ProcessorContext<String, IngestOutcome> context;
  private KeyValueStore<String, Item> catalog;
  private Sensor stored;

  StoreItem(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void init(ProcessorContext<String, IngestOutcome> context) {
    this.context = context;
    this.catalog = context.getStateStore(Stores.ITEM_CATALOG);
    this.stored = IngestSensors.counter(context, MetricNames.ITEMS_STORED);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    var key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    try {
      if (record.value() == null && key != null && !key.isBlank()) {
        catalog.delete(key);
        stored.record();
        return;
      }
      int size = (record.key() == null ? 0 : record.key().length)
          + (record.value() == null ? 0 : record.value().length);
      if (size > maxRecordBytes) {
        throw new RecordRejectedException(RejectReason.OVERSIZED, "item record is " + size
            + " bytes; the limit is " + maxRecordBytes + " (ingest.max-record-bytes)");
      }
      var item = ItemCodec.decode(record.value());
      catalog.put(item.item(), item);
      stored.record();
    } catch (RecordRejectedException e) {
      context.forward(record.withKey(key).withValue(new IngestOutcome.Rejected(
          e.reason(), e.getMessage(), record.key(), record.value(), Sources.of(context))));
    }
  }
}

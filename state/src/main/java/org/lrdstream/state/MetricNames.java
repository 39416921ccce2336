package org.lrdstream.state;

/**
 * Names of lrd-stream's own metrics. Ingest records them as Kafka Streams custom sensors (group
 * {@link #INGEST_GROUP}), so they appear in {@code KafkaStreams#metrics()} and, through Micrometer's
 * {@code KafkaStreamsMetrics} binder, on the Prometheus endpoint.
 */
public final class MetricNames {
  private MetricNames() {}

  /** Metric group of the ingest counters ({@code stream-<scope>-metrics} in Kafka Streams terms). */
  public static final String INGEST_SCOPE = "lrd-ingest";
  public static final String INGEST_GROUP = "stream-" + INGEST_SCOPE + "-metrics";

  /** Accepted interactions ({@code -total}, {@code -rate}). */
  public static final String ACCEPTED = "accepted";
  /** Rejected records, one counter per reason: {@code rejected-<reason>-total}. */
  public static final String REJECTED_PREFIX = "rejected-";
  /** Interactions dropped as a repeat of an event id already in the window. */
  public static final String DUPLICATES = "duplicates";
  /** Catalog records stored (upserts and deletes). */
  public static final String ITEMS_STORED = "items-stored";
}

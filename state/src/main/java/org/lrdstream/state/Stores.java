package org.lrdstream.state;

/** Names of the Kafka Streams state stores (each is a RocksDB store with a changelog topic). */
public final class Stores {
  private Stores() {}

  /** Per-user history: the last N items with their event times, in event-time order. */
  public static final String USER_SEQUENCES = "user-sequences";
  /** Event ids seen within the de-duplication window. */
  public static final String SEEN_EVENT_IDS = "seen-event-ids";
  /** The item catalog: text, attributes and relations per item id. */
  public static final String ITEM_CATALOG = "item-catalog";

  /** The scorer's last recommendation list per user, for the online (prequential) hit rate. */
  public static final String LAST_RECOMMENDATIONS = "last-recommendations";
  /**
   * The scorer's events waiting for their batch (by arrival sequence): changelogged, so an event
   * read but not yet scored when a commit happens is scored after a crash or rebalance.
   */
  public static final String SCORE_BUFFER = "score-buffer";
  /** The scorer's global store of published checkpoint metadata, by model name. */
  public static final String MODEL_CHECKPOINTS = "model-checkpoints-store";
}

package org.lrdstream.trainer.online;

/**
 * Keys the online trainer adds to a checkpoint's {@code extra}, beside what {@code
 * ModelCheckpoint} writes.
 */
public final class OnlineCheckpoints {
  private OnlineCheckpoints() {}

  /**
   * External ids of items with a row (and a text vector) but no trained example yet; the scorer
   * scores them from their text through LRD's projection until they are trained.
   */
  public static final String UNTRAINED_ITEMS = "untrained_items";
  /** Attribute name → its values (strings, as on {@code items}) in entity-row order. */
  public static final String ATTRIBUTE_VALUES = "attribute_values";
  /** The trainer's counters: steps, examples_trained, events_consumed, replayed. */
  public static final String TRAINER = "trainer";
  /** Id of the text encoder that made the item vectors. */
  public static final String ENCODER = "encoder";
}

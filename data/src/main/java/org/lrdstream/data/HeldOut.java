package org.lrdstream.data;

/**
 * A leave-one-out evaluation row: the user's held-out next item and the negatives it is ranked
 * against (99 in the paper's protocol; they may repeat, as in the published files).
 */
public record HeldOut(int user, int item, long time, int[] negatives) {
  public Interaction interaction() {
    return new Interaction(user, item, time);
  }
}

package org.lrdstream.data;

import java.util.List;

/**
 * The result of {@link LeaveOneOutSplitter}: dense ids and the three parts of the paper's
 * leave-one-out layout. {@code userIds[u]} and {@code itemIds[i]} are the source ids of user
 * {@code u} and item {@code i} (index 0 is padding and {@code null}).
 */
public record LeaveOneOutSplit(
    int numUsers,
    int numItems,
    String[] userIds,
    String[] itemIds,
    List<Interaction> train,
    List<HeldOut> dev,
    List<HeldOut> test,
    Counts counts) {

  /** How many rows each step of the protocol saw, for the report a user reads. */
  public record Counts(int rawRows, int duplicatesDropped, int coreRounds, int usersKept,
      int itemsKept, int interactionsKept) {}
}

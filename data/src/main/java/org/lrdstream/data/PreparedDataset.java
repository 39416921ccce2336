package org.lrdstream.data;

import java.util.List;
import java.util.Map;

/**
 * A data set made by this project's preprocessing (MovieLens, generic import), with what the
 * {@link Dataset} itself does not hold but the written files should: the source ids of the users,
 * the names of attribute values, and notes for the person running the import.
 *
 * @param userIds {@code userIds[u]} is the source id of user {@code u} (index 0 unused)
 * @param valueNames per attribute name, the value names in id order (value id 1 first); absent
 *     for an attribute whose values have no names
 * @param counts the counts of the protocol's steps
 * @param notes lines worth telling the user (items without text, dropped relation targets, ...)
 */
public record PreparedDataset(
    Dataset dataset,
    String[] userIds,
    Map<String, List<String>> valueNames,
    LeaveOneOutSplit.Counts counts,
    List<String> notes) {}

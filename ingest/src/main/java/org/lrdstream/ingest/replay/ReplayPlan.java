package org.lrdstream.ingest.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import org.lrdstream.data.Dataset;
import org.lrdstream.data.HeldOut;
import org.lrdstream.state.records.EventType;
import org.lrdstream.state.records.Interaction;
import org.lrdstream.state.records.Item;

/**
 * What {@code lrd replay} publishes for a data set: every item's catalog record, then the users'
 * whole histories (train, dev and test together) as one stream in event-time order. Ties keep the
 * order a user's sequence has in the files (by user, then train before dev before test, then line),
 * so replaying reproduces each user's sequence exactly.
 *
 * <p>Items keep their original ids (ASINs, MovieLens ids) where the data set has them — the ids
 * {@code lrd experiment} checkpoints use — else their row numbers. Event ids name the file row ({@code office/train/17}): replaying the same data set twice within
 * the de-duplication window adds nothing.
 */
public record ReplayPlan(String dataset, List<Item> items, List<Interaction> interactions) {

  /** The data sets are interaction logs of reviews, i.e. of purchases. */
  public static final EventType EVENT_TYPE = EventType.PURCHASE;

  public static ReplayPlan of(Dataset data) {
    var catalog = data.catalog();
    var items = new ArrayList<Item>(catalog.numItems());
    for (int i = 1; i <= catalog.numItems(); i++) {
      var attributes = new LinkedHashMap<String, List<String>>();
      for (var a : catalog.attributes()) {
        var values = a.values()[i];
        if (values.length > 0) {
          attributes.put(a.name(), Arrays.stream(values).mapToObj(Integer::toString).toList());
        }
      }
      var relations = new LinkedHashMap<String, List<String>>();
      for (var r : catalog.relations()) {
        relations.put(r.name(), Arrays.stream(r.targets()[i]).mapToObj(catalog::externalId).toList());
      }
      items.add(new Item(catalog.externalId(i), catalog.text(i), attributes, relations));
    }

    record Row(long time, int user, int fileOrder, Interaction interaction) {}
    var rows = new ArrayList<Row>(data.train().size() + data.dev().size() + data.test().size());
    int order = 0;
    for (int n = 0; n < data.train().size(); n++) {
      var x = data.train().get(n);
      rows.add(new Row(x.time(), x.user(), order++,
          interaction(x.user(), catalog.externalId(x.item()), x.time(), data.name() + "/train/" + n)));
    }
    for (var part : List.of(new Part("dev", data.dev()), new Part("test", data.test()))) {
      for (int n = 0; n < part.rows.size(); n++) {
        var x = part.rows.get(n);
        rows.add(new Row(x.time(), x.user(), order++,
            interaction(x.user(), catalog.externalId(x.item()), x.time(), data.name() + "/" + part.name + "/" + n)));
      }
    }
    rows.sort(Comparator.comparingLong(Row::time).thenComparingInt(Row::user)
        .thenComparingInt(Row::fileOrder));
    return new ReplayPlan(data.name(), List.copyOf(items),
        rows.stream().map(Row::interaction).toList());
  }

  private record Part(String name, List<HeldOut> rows) {}

  private static Interaction interaction(int user, String item, long unixSeconds, String eventId) {
    return new Interaction(Integer.toString(user), item, unixSeconds * 1000L,
        EVENT_TYPE, eventId);
  }
}

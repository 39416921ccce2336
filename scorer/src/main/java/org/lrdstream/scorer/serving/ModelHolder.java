package org.lrdstream.scorer.serving;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The model now serving, shared by the stream threads (readers) and the checkpoint follower (the
 * writer). A reader holds the model for a whole record, so a swap happens between two records,
 * never in the middle of one; the replaced model is closed only once no record uses it.
 */
public final class ModelHolder implements AutoCloseable {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private ServingModel current;

  /** Runs {@code f} with the current model (null when none is loaded yet). */
  public <T> T withModel(Function<ServingModel, T> f) {
    lock.readLock().lock();
    try {
      return f.apply(current);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The version now serving, or -1. */
  public long version() {
    lock.readLock().lock();
    try {
      return current == null ? -1 : current.version();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Serves {@code next} if it is newer than the current model and closes the replaced one; an
   * older or equal version is closed and ignored (a compacted topic replays old records).
   *
   * @return whether {@code next} now serves
   */
  public boolean offer(ServingModel next) {
    ServingModel old;
    lock.writeLock().lock();
    try {
      if (current != null && next.version() <= current.version()) {
        old = next;
      } else {
        old = current;
        current = next;
      }
    } finally {
      lock.writeLock().unlock();
    }
    if (old != null) {
      old.close(); // no reader holds it: readers hold the read lock for as long as they use a model
    }
    return old != next;
  }

  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (current != null) {
        current.close();
        current = null;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}

package org.lrdstream.state.records;

/** A record that cannot be accepted, with the reason and a message a person can act on. */
public final class RecordRejectedException extends Exception {
  private final RejectReason reason;

  public RecordRejectedException(RejectReason reason, String message) {
    super(message, null, false, false); // an expected outcome at the edge: no stack trace needed
    this.reason = reason;
  }

  public RejectReason reason() {
    return reason;
  }
}

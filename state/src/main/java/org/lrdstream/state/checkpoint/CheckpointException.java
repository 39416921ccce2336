package org.lrdstream.state.checkpoint;

/** A checkpoint that cannot be written, or read back intact (missing, partial, corrupt). */
public final class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}

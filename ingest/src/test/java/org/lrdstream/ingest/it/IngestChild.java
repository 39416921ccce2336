package org.lrdstream.ingest.it;

import java.nio.file.Path;
import java.time.Duration;
import org.lrdstream.ingest.IngestConfig;
import org.lrdstream.ingest.IngestService;

/** Runs ingest until killed; prints {@link #READY} once it is running. For the crash test. */
public final class IngestChild {
  static final String READY = "INGEST-RUNNING";

  public static void main(String[] args) throws Exception {
    var config = IngestConfig.defaults()
        .withBootstrapServers(args[0])
        .withApplicationId(args[1])
        .withStateDir(Path.of(args[2]))
        .withSessionTimeout(Duration.ofSeconds(6));
    var service = IngestService.start(config, Duration.ofSeconds(60));
    System.out.println(READY);
    System.out.flush();
    service.awaitTermination();
  }
}

package org.lrdstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP provider against a fake server on the loopback interface; never a real address. */
class OpenAiCompatibleEncoderTest {
  FakeEmbeddingsServer server;

  @BeforeEach
  void start() throws IOException {
    server = new FakeEmbeddingsServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  OpenAiCompatibleEncoder.Builder client() {
    return OpenAiCompatibleEncoder.builder()
        .baseUrl(server.baseUrl())
        .model("test-embed")
        .apiKey("sk-test")
        .initialBackoff(Duration.ofMillis(1))
        .requestTimeout(Duration.ofSeconds(10));
  }

  @Test
  void vectorsComeBackInInputOrderWhateverTheReplyOrder() {
    List<String> texts = List.of("a", "banana", "xyz", "");
    try (var encoder = client().build()) {
      float[][] v = encoder.encode(texts);
      assertThat(v).hasNumberOfRows(4);
      for (int i = 0; i < texts.size(); i++) {
        assertThat(v[i]).containsExactly(FakeEmbeddingsServer.expected(texts.get(i)));
      }
      assertThat(encoder.dimension()).isEqualTo(3);
    }
    assertThat(server.inputs).containsExactly(texts);
    assertThat(server.authorizations).containsExactly("Bearer sk-test");
  }

  @Test
  void textsGoInBatches() {
    List<String> texts = List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7");
    try (var encoder = client().batchSize(3).build()) {
      List<Long> progress = new java.util.ArrayList<>();
      float[][] v = encoder.encode(texts, progress::add);
      assertThat(progress).containsExactly(3L, 3L, 1L);
      assertThat(v[6]).containsExactly(FakeEmbeddingsServer.expected("t7"));
    }
    assertThat(server.inputs)
        .containsExactly(List.of("t1", "t2", "t3"), List.of("t4", "t5", "t6"), List.of("t7"));
  }

  @Test
  void aServerErrorIsRetriedAndThenSucceeds() {
    server.failNext(500);
    server.failNext(429);
    try (var encoder = client().build()) {
      float[][] v = encoder.encode(List.of("retry me"));
      assertThat(v[0]).containsExactly(FakeEmbeddingsServer.expected("retry me"));
    }
    assertThat(server.inputs).hasSize(3);
  }

  @Test
  void retriesAreBoundedAndTheLastStatusIsReported() {
    for (int i = 0; i < 3; i++) {
      server.failNext(503);
    }
    try (var encoder = client().maxRetries(2).build()) {
      assertThatThrownBy(() -> encoder.encode(List.of("x")))
          .isInstanceOf(EncoderException.class)
          .hasMessageContaining("HTTP 503")
          .hasMessageContaining("after 3 attempts")
          .hasMessageContaining("The server had an error");
    }
  }

  @Test
  void anUnauthorisedReplyFailsAtOnceWithStatusAndBody() {
    server.failNext(401);
    try (var encoder = client().build()) {
      assertThatThrownBy(() -> encoder.encode(List.of("x")))
          .isInstanceOf(EncoderException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("OPENAI_API_KEY")
          .hasMessageContaining("Incorrect API key provided");
    }
    assertThat(server.inputs).hasSize(1);
  }

  @Test
  void anUnreachableServerIsNamedInTheError() {
    String url = server.baseUrl();
    server.close();
    try (var encoder = client().baseUrl(url).maxRetries(1).build()) {
      assertThatThrownBy(() -> encoder.encode(List.of("x")))
          .isInstanceOf(EncoderException.class)
          .hasMessageStartingWith("cannot reach " + url + "/v1/embeddings: ");
    }
  }

  @Test
  void theIdNamesTheModelAndAnyServerOtherThanOpenAi() {
    try (var local = client().baseUrl(server.baseUrl() + "/v1/").build()) {
      assertThat(local.id()).isEqualTo("openai:test-embed@" + server.baseUrl());
      assertThat(local.endpoint().toString()).isEqualTo(server.baseUrl() + "/v1/embeddings");
    }
    try (var openai = OpenAiCompatibleEncoder.builder().apiKey("sk-x").build()) {
      assertThat(openai.id()).isEqualTo("openai:text-embedding-ada-002");
      assertThat(openai.dimension()).isEqualTo(1536); // known: no request needed
    }
  }

  @Test
  void openAiWithoutAKeyIsRefusedBeforeAnyRequest() {
    if (System.getenv(OpenAiCompatibleEncoder.API_KEY_ENV) != null) {
      return; // the developer's own key is set: nothing to check
    }
    assertThatThrownBy(() -> OpenAiCompatibleEncoder.builder().build())
        .isInstanceOf(EncoderException.class)
        .hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void theDimensionOfAnUnknownModelIsLearntFromOneRequest() {
    try (var encoder = client().build()) {
      assertThat(encoder.dimension()).isEqualTo(3);
      assertThat(encoder.dimension()).isEqualTo(3);
    }
    assertThat(server.inputs).hasSize(1);
  }
}

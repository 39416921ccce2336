package org.lrdstream.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleChatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private final List<JsonNode> requests = new ArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();
  private volatile String answer = "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"content\": \"  ink and toner \\n\"}}]}";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", ex -> {
      try (ex) {
        requests.add(JSON.readTree(ex.getRequestBody()));
        int status = failFirst.getAndDecrement() > 0 ? 503 : 200;
        var bytes = (status == 200 ? answer : "{\"error\": \"busy\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String spec() {
    return "openai:tiny-llm@http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";
  }

  @Test
  void sendsBothMessagesAndReturnsTheFirstChoiceStripped() {
    var chat = OpenAiCompatibleChat.open(spec());
    assertThat(chat.ask("be brief", "what links these?")).isEqualTo("ink and toner");
    var req = requests.get(0);
    assertThat(req.path("model").asText()).isEqualTo("tiny-llm");
    assertThat(req.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(req.path("messages").get(1).path("content").asText()).isEqualTo("what links these?");
    assertThat(chat.id()).isEqualTo("openai:tiny-llm@http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void retriesAServerErrorThenSucceeds() {
    failFirst.set(1);
    assertThat(OpenAiCompatibleChat.open(spec()).ask("s", "u")).isEqualTo("ink and toner");
    assertThat(requests).hasSize(2);
  }

  @Test
  void aReplyWithoutChoicesIsAClearError() {
    answer = "{\"id\": 1}";
    assertThatThrownBy(() -> OpenAiCompatibleChat.open(spec()).ask("s", "u"))
        .isInstanceOf(EncoderException.class).hasMessageContaining("choices[0].message.content");
  }

  @Test
  void anUnknownSpecIsRefused() {
    assertThatThrownBy(() -> OpenAiCompatibleChat.open("gpt")).isInstanceOf(EncoderException.class)
        .hasMessageContaining("unknown chat service 'gpt'");
  }
}

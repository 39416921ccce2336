package org.lrdstream.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * An OpenAI-style {@code /v1/embeddings} endpoint on 127.0.0.1 and a free port, for tests. The
 * vector of a text is {@code [length, number of 'a's, 1]} (before normalisation), and the reply
 * lists the vectors in reverse order, so a client that ignores {@code index} is caught. Failures
 * can be queued: each queued status is answered once, before normal replies resume.
 */
final class FakeEmbeddingsServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Deque<Integer> failures = new ArrayDeque<>();
  final List<List<String>> inputs = Collections.synchronizedList(new ArrayList<>());
  final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());

  FakeEmbeddingsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/embeddings", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  synchronized void failNext(int status) {
    failures.add(status);
  }

  static float[] expected(String text) {
    float a = text.chars().filter(c -> c == 'a').count();
    return Vectors.normaliseInPlace(new float[] {text.length(), a, 1});
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      List<String> texts = new ArrayList<>();
      request.get("input").forEach(t -> texts.add(t.asText()));
      inputs.add(texts);
      Integer failure;
      synchronized (this) {
        failure = failures.poll();
      }
      if (failure != null) {
        String body =
            failure == 401
                ? "{\"error\": {\"message\": \"Incorrect API key provided: sk-te***\","
                    + " \"type\": \"invalid_request_error\"}}"
                : "{\"error\": {\"message\": \"The server had an error\"}}";
        send(exchange, failure, body);
        return;
      }
      ObjectNode reply = JSON.createObjectNode();
      reply.put("object", "list");
      reply.put("model", request.get("model").asText());
      ArrayNode data = reply.putArray("data");
      for (int i = texts.size() - 1; i >= 0; i--) {
        ObjectNode item = data.addObject();
        item.put("object", "embedding");
        item.put("index", i);
        String t = texts.get(i);
        // not normalised on purpose: local servers may return raw vectors
        ArrayNode v = item.putArray("embedding");
        v.add(t.length()).add(t.chars().filter(c -> c == 'a').count()).add(1);
      }
      send(exchange, 200, reply.toString());
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

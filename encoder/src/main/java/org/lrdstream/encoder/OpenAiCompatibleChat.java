package org.lrdstream.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;

/**
 * A one-question client of an OpenAI-compatible chat service: {@code POST {base}/v1/chat/completions}
 * with a system and a user message, returning the first choice's text. Used to name what a latent
 * relation's top item pairs have in common; any local server with the same API works (vLLM,
 * llama.cpp, Ollama, LocalAI). Same retries and key handling as {@link OpenAiCompatibleEncoder}.
 */
public final class OpenAiCompatibleChat {
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenAiHttp http;
  private final String model;

  private OpenAiCompatibleChat(OpenAiHttp http, String model) {
    this.http = http;
    this.model = model;
  }

  /**
   * From a spec like the encoder's: {@code openai}, {@code openai:<model>} or {@code
   * openai:<model>@<base-url>} (the key from {@value OpenAiHttp#API_KEY_ENV}).
   */
  public static OpenAiCompatibleChat open(String spec) {
    var s = spec == null ? "" : spec.strip();
    if (!s.equals("openai") && !s.startsWith("openai:")) {
      throw new EncoderException("unknown chat service '" + spec + "': use openai, openai:<model> or openai:<model>@<base-url>");
    }
    var rest = s.substring("openai".length());
    var modelAndUrl = rest.startsWith(":") ? rest.substring(1) : rest;
    int at = modelAndUrl.indexOf('@');
    var model = (at < 0 ? modelAndUrl : modelAndUrl.substring(0, at)).strip();
    var url = at < 0 ? OpenAiHttp.DEFAULT_BASE_URL : modelAndUrl.substring(at + 1).strip();
    if (url.isEmpty()) {
      throw new EncoderException("chat spec '" + spec + "' has no URL after @");
    }
    var http = new OpenAiHttp("chat", url, "/v1/chat/completions", null, 3, Duration.ofMillis(500),
        Duration.ofSeconds(120), Duration.ofSeconds(10));
    return new OpenAiCompatibleChat(http, model.isEmpty() ? DEFAULT_MODEL : model);
  }

  public String id() {
    return "openai:" + model + (http.isOpenAi() ? "" : "@" + http.baseUrl());
  }

  /** Asks one question; returns the answer's text, stripped. Temperature 0 for repeatable labels. */
  public String ask(String system, String user) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("temperature", 0);
    var messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", user);
    var reply = http.post(body.toString());
    JsonNode root;
    try {
      root = JSON.readTree(reply);
    } catch (IOException e) {
      throw new EncoderException("the chat service at " + http.endpoint() + " did not return JSON: "
          + OpenAiHttp.excerpt(reply), e);
    }
    var content = root == null ? null : root.path("choices").path(0).path("message").path("content");
    if (content == null || !content.isTextual()) {
      throw new EncoderException("the reply of " + http.endpoint() + " has no choices[0].message.content: "
          + OpenAiHttp.excerpt(reply));
    }
    return content.asText().strip();
  }
}

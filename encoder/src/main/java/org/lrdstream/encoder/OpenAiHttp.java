package org.lrdstream.encoder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP side of an OpenAI-compatible service, shared by the embeddings encoder and the chat
 * client: one endpoint, a bearer token, JSON POSTs retried with exponential backoff on 429, 5xx and
 * broken connections (honouring {@code Retry-After}), and errors that say what to check.
 */
final class OpenAiHttp {
  static final String DEFAULT_BASE_URL = "https://api.openai.com";
  static final String API_KEY_ENV = "OPENAI_API_KEY";
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
  private static final int BODY_EXCERPT_CHARS = 300;

  private final URI endpoint;
  private final String baseUrl;
  private final String apiKey;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final String what;

  /**
   * @param what the kind of service in error messages ("embeddings", "chat")
   * @param path the API path after the base URL, e.g. {@code /v1/embeddings}
   * @param apiKey the bearer token, or null for the environment variable {@value #API_KEY_ENV}
   */
  OpenAiHttp(String what, String baseUrl, String path, String apiKey, int maxRetries,
      Duration initialBackoff, Duration requestTimeout, Duration connectTimeout) {
    this.what = what;
    this.baseUrl = stripTrailingSlash(baseUrl);
    URI uri;
    try {
      uri = URI.create(this.baseUrl + path);
    } catch (IllegalArgumentException e) {
      throw new EncoderException("invalid base URL for the " + what + " service: " + baseUrl, e);
    }
    if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
      throw new EncoderException(
          "invalid base URL for the " + what + " service (want http:// or https://): " + baseUrl);
    }
    this.endpoint = uri;
    this.apiKey = apiKey != null ? apiKey : System.getenv(API_KEY_ENV);
    if ((this.apiKey == null || this.apiKey.isBlank()) && this.baseUrl.equals(DEFAULT_BASE_URL)) {
      throw new EncoderException(
          "cannot use " + DEFAULT_BASE_URL + " without an API key: set " + API_KEY_ENV
              + " (or give another base URL for a local server)");
    }
    this.maxRetries = maxRetries;
    this.initialBackoff = initialBackoff;
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  URI endpoint() {
    return endpoint;
  }

  /** The base URL as normalised (no trailing slash, no {@code /v1}). */
  String baseUrl() {
    return baseUrl;
  }

  boolean isOpenAi() {
    return baseUrl.equals(DEFAULT_BASE_URL);
  }

  /** POSTs a JSON body and returns the reply body of a 2xx answer. */
  String post(String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null && !apiKey.isBlank()) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    HttpRequest req = request.build();
    Duration backoff = initialBackoff;
    for (int attempt = 0; ; attempt++) {
      boolean last = attempt >= maxRetries;
      HttpResponse<String> response;
      try {
        response = http.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (last) {
          throw new EncoderException(
              "cannot reach " + endpoint + ": " + describe(e)
                  + (attempt > 0 ? " (after " + (attempt + 1) + " attempts)" : ""),
              e);
        }
        sleep(backoff);
        backoff = next(backoff);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EncoderException("interrupted while waiting for " + endpoint, e);
      }
      int status = response.statusCode();
      if (status / 100 == 2) {
        return response.body();
      }
      boolean retriable = status == 429 || status / 100 == 5;
      if (!retriable || last) {
        throw new EncoderException(
            what + " request to " + endpoint + " failed: HTTP " + status
                + (retriable ? " (after " + (attempt + 1) + " attempts)" : "")
                + hint(status) + ": " + excerpt(response.body()));
      }
      sleep(retryAfter(response).orElse(backoff));
      backoff = next(backoff);
    }
  }

  private static String hint(int status) {
    return switch (status) {
      case 401, 403 -> " (check the API key, " + API_KEY_ENV + ")";
      case 404 -> " (check the base URL and the model name)";
      default -> "";
    };
  }

  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(
            v -> {
              try {
                long seconds = Long.parseLong(v.trim());
                return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
              } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: fall back to our own backoff
              }
            })
        .map(d -> d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d);
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EncoderException("interrupted while backing off", e);
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " " + m);
  }

  static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    String flat = body.strip().replaceAll("\\s+", " ");
    return flat.length() <= BODY_EXCERPT_CHARS ? flat : flat.substring(0, BODY_EXCERPT_CHARS) + "...";
  }

  private static String stripTrailingSlash(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    // accept a base URL given with the /v1 suffix as many clients expect it
    if (u.toLowerCase(Locale.ROOT).endsWith("/v1")) {
      u = u.substring(0, u.length() - 3);
    }
    return u;
  }
}

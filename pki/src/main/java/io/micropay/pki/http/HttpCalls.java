package io.micropay.pki.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP request with limits on what the answer may cost: a deadline on the whole exchange,
 * body included (the JDK client's own request timeout stops at the headers, and a body that
 * trickles in a byte at a time would hold the caller for ever), and a cap on the body's size.
 * The CA service's clients use it: the CRL fetch, enrollment, renewal and revocation.
 */
public final class HttpCalls {
  private HttpCalls() {
  }

  /**
   * What came back.
   *
   * @param status the HTTP status code
   * @param headers the response headers
   * @param body the body, at most the size asked for
   */
  public record Answer(int status, HttpHeaders headers, byte[] body) {
    /** The body as text (the CA service answers in ASCII: PEM, or a one-line message). */
    public String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Sends {@code request} with {@code client}; the whole exchange must end within
   * {@code deadline} and the body must fit in {@code maxBodyBytes}.
   *
   * @throws IOException when it cannot be had in time, or the body is too large
   */
  public static Answer send(HttpClient client, HttpRequest request, Duration deadline,
      int maxBodyBytes) throws IOException {
    CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request,
        info -> new BoundedBody(maxBodyBytes));
    try {
      HttpResponse<byte[]> response = exchange.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new IOException(request.uri() + " did not answer within " + deadline.toMillis()
          + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io ? io
          : new IOException(request.uri() + ": " + cause, cause);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + request.uri(), e);
    }
  }

  /** Collects a body, and gives up once it is larger than its limit. */
  private static final class BoundedBody implements BodySubscriber<byte[]> {
    private final int maxBytes;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + buffer.remaining() > maxBytes) {
          subscription.cancel();
          result.completeExceptionally(new IOException("the answer is larger than " + maxBytes
              + " bytes"));
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable failure) {
      result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }
}

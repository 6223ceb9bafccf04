package io.micropay.protocol;

/**
 * What {@link RequestParser} made of a line: a valid {@link Request}, or a rejection carrying the
 * reply the server sends and a short reason for its log.
 */
public final class ParsedRequest {
  private final Request request;
  private final Reply reply;
  private final String reason;

  private ParsedRequest(Request request, Reply reply, String reason) {
    this.request = request;
    this.reply = reply;
    this.reason = reason;
  }

  static ParsedRequest valid(Request request) {
    return new ParsedRequest(request, null, null);
  }

  static ParsedRequest rejected(Reply reply, String reason) {
    return new ParsedRequest(null, reply, reason);
  }

  /** Whether the line was refused. */
  public boolean isRejected() {
    return request == null;
  }

  /** The request; only when not rejected. */
  public Request request() {
    if (request == null) {
      throw new IllegalStateException("a rejected line has no request: " + reason);
    }
    return request;
  }

  /** The reply to send for a rejected line. */
  public Reply reply() {
    if (reply == null) {
      throw new IllegalStateException("a valid request has no rejection reply");
    }
    return reply;
  }

  /** Why the line was rejected, for the log. */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return isRejected() ? "rejected(" + reply.wire() + ": " + reason + ")"
        : "valid(" + request.format() + ")";
  }
}

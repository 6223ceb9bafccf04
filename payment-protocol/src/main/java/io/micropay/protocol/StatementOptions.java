package io.micropay.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Parses {@code STATEMENT#<limit>[#BEFORE=<entry>][#SINCE=<time>][#UNTIL=<time>]} (version 2).
 * The options come in that order, each at most once, so that one request has one spelling.
 */
final class StatementOptions {
  /** The longest journal entry number: a positive long has at most 19 digits. */
  private static final int MAX_ENTRY_DIGITS = 18;

  private StatementOptions() {
  }

  /**
   * Whether a line that starts with {@code STATEMENT} is a statement request rather than a login
   * or transfer of an account named so: two fields with a number up to 1000 (never a valid login
   * port), or options, whose {@code =} no account name has.
   */
  static boolean isStatement(String[] fields) {
    if (fields.length == 2) {
      long limit = DecimalField.parse(fields[1], 4);
      return limit >= 0 && limit <= Limits.MAX_STATEMENT_ENTRIES;
    }
    return fields.length > 2 && fields[2].indexOf('=') > 0;
  }

  /** {@code fields} starts with {@code STATEMENT}; never returns null. */
  static ParsedRequest parse(String[] fields) {
    if (fields.length < 2) {
      return RequestParser.formatError("statement: STATEMENT#<limit>[#BEFORE=<entry>]"
          + "[#SINCE=<time>][#UNTIL=<time>]");
    }
    long limit = DecimalField.parse(fields[1], 4);
    if (limit < 1 || limit > Limits.MAX_STATEMENT_ENTRIES) {
      return RequestParser.formatError("statement: the limit is 1 to "
          + Limits.MAX_STATEMENT_ENTRIES + " entries without sign or leading zero");
    }
    long before = 0;
    Instant since = null;
    Instant until = null;
    int next = 2;
    if (next < fields.length && fields[next].startsWith(Request.Statement.BEFORE)) {
      before = DecimalField.parse(
          fields[next++].substring(Request.Statement.BEFORE.length()), MAX_ENTRY_DIGITS);
      if (before < 1) {
        return RequestParser.formatError("statement: BEFORE= takes a journal entry number");
      }
    }
    try {
      if (next < fields.length && fields[next].startsWith(Request.Statement.SINCE)) {
        since = Instant.parse(fields[next++].substring(Request.Statement.SINCE.length()));
      }
      if (next < fields.length && fields[next].startsWith(Request.Statement.UNTIL)) {
        until = Instant.parse(fields[next++].substring(Request.Statement.UNTIL.length()));
      }
    } catch (DateTimeParseException e) {
      return RequestParser.formatError("statement: a time is an ISO-8601 instant such as "
          + "2026-12-02T17:15:00Z");
    }
    if (next < fields.length) {
      return RequestParser.formatError("statement: options are BEFORE=, SINCE=, UNTIL=, in "
          + "that order, each at most once");
    }
    if (since != null && until != null && !since.isBefore(until)) {
      return RequestParser.formatError("statement: UNTIL= must be after SINCE=");
    }
    return ParsedRequest.valid(new Request.Statement((int) limit, before, since, until));
  }
}

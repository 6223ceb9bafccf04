package io.micropay.protocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Version 2: the answer to {@code STATEMENT}: a header line {@code STATEMENT#<count>}, or
 * {@code STATEMENT#<count>#NEXT=<entry>} when older entries remain, then {@code <count>} entry
 * lines ({@link StatementEntry}), newest first. {@code <entry>} is the cursor: ask again with
 * {@code BEFORE=<entry>} for the next page.
 *
 * @param entries newest first, at most {@link Limits#MAX_STATEMENT_ENTRIES}
 * @param nextBefore the cursor of the next page, or 0 when this is the last
 */
public record StatementPage(List<StatementEntry> entries, long nextBefore) {
  private static final String NEXT = "NEXT=";

  public StatementPage {
    entries = List.copyOf(entries);
    if (entries.size() > Limits.MAX_STATEMENT_ENTRIES) {
      throw new IllegalArgumentException("a page holds at most "
          + Limits.MAX_STATEMENT_ENTRIES + " entries, not " + entries.size());
    }
    if (nextBefore < 0) {
      throw new IllegalArgumentException("a cursor is an entry number, not " + nextBefore);
    }
  }

  /** Whether older entries remain after this page. */
  public boolean hasNext() {
    return nextBefore > 0;
  }

  /** The header line and the entry lines, without terminators. */
  public List<String> formatLines() {
    List<String> lines = new ArrayList<>(entries.size() + 1);
    lines.add(Request.Statement.KEYWORD + "#" + entries.size()
        + (hasNext() ? "#" + NEXT + nextBefore : ""));
    for (StatementEntry entry : entries) {
      lines.add(entry.format());
    }
    return lines;
  }

  /** Reads a page from {@code reader}: at most the limit's entries, each line checked. */
  public static StatementPage read(LineSource reader) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new ProtocolException("the connection ended before the statement");
    }
    String[] fields = header.split("#", -1);
    long count = fields.length >= 2 && fields[0].equals(Request.Statement.KEYWORD)
        ? DecimalField.parse(fields[1], 4) : -1;
    long next = 0;
    if (fields.length == 3 && fields[2].startsWith(NEXT)) {
      next = DecimalField.parse(fields[2].substring(NEXT.length()), 18);
    } else if (fields.length != 2) {
      count = -1;
    }
    if (count < 0 || count > Limits.MAX_STATEMENT_ENTRIES || next < 0) {
      throw new ProtocolException("expected 'STATEMENT#<count>[#NEXT=<entry>]' with at most "
          + Limits.MAX_STATEMENT_ENTRIES + " entries, got '" + Printable.of(header) + "'");
    }
    List<StatementEntry> entries = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      String line = reader.readLine();
      if (line == null) {
        throw new ProtocolException("the connection ended after " + i + " of " + count
            + " statement entries");
      }
      entries.add(StatementEntry.parse(line));
    }
    return new StatementPage(entries, next);
  }
}

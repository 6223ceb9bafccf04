package io.micropay.server.operator;

/**
 * A minimal JSON writer for the operator endpoint's answers: objects, arrays, strings, numbers
 * and booleans, written in order into one buffer. The answers are small and flat, so a JSON
 * library would bring a dependency for a few lines; the one thing that needs care, escaping a
 * string (RFC 8259 section 7), is done here for every string written.
 */
final class Json {
  private final StringBuilder text = new StringBuilder();
  /** Whether the next value in the current object or array needs a comma before it. */
  private boolean needsComma;

  Json beginObject() {
    separate();
    text.append('{');
    needsComma = false;
    return this;
  }

  /** An object as the value of field {@code name}. */
  Json beginObject(String name) {
    name(name);
    text.append('{');
    needsComma = false;
    return this;
  }

  Json endObject() {
    text.append('}');
    needsComma = true;
    return this;
  }

  Json beginArray(String name) {
    name(name);
    text.append('[');
    needsComma = false;
    return this;
  }

  Json endArray() {
    text.append(']');
    needsComma = true;
    return this;
  }

  Json field(String name, String value) {
    name(name);
    if (value == null) {
      text.append("null");
    } else {
      string(value);
    }
    needsComma = true;
    return this;
  }

  Json field(String name, long value) {
    name(name);
    text.append(value);
    needsComma = true;
    return this;
  }

  Json field(String name, boolean value) {
    name(name);
    text.append(value);
    needsComma = true;
    return this;
  }

  /** A string as an element of the current array. */
  Json element(String value) {
    separate();
    string(value);
    needsComma = true;
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  private void name(String name) {
    separate();
    string(name);
    text.append(':');
    needsComma = false;
  }

  private void separate() {
    if (needsComma) {
      text.append(',');
    }
  }

  private void string(String value) {
    text.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> text.append("\\\"");
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> {
          // Control characters must be escaped; '<' too, so no answer can close a script tag.
          if (c < 0x20 || c == '<' || c == 0x2028 || c == 0x2029) {
            text.append(String.format("\\u%04x", (int) c));
          } else {
            text.append(c);
          }
        }
      }
    }
    text.append('"');
  }
}

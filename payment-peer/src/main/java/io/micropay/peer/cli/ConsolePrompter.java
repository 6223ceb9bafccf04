package io.micropay.peer.cli;

import io.micropay.peer.Prompter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks on a plain console: prints the question, takes the next line typed. Lines are read by one
 * daemon thread started on first use, so an unanswered question times out instead of blocking.
 * One question at a time: a second payer waits for the first to be answered.
 */
final class ConsolePrompter implements Prompter {
  /** Answers typed ahead are kept up to this many; more are dropped. */
  private static final int MAX_QUEUED_ANSWERS = 16;

  private final InputStream in;
  private final PrintWriter out;
  private final BlockingQueue<String> answers = new ArrayBlockingQueue<>(MAX_QUEUED_ANSWERS);
  private Thread reader;

  ConsolePrompter(InputStream in, PrintWriter out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public synchronized Optional<Boolean> ask(String question, Duration timeout) {
    startReader();
    answers.clear();
    out.println(question + " (" + timeout.toSeconds() + " s)");
    out.flush();
    try {
      String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return answer == null ? Optional.empty() : Optional.of(isYes(answer));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Whether a typed answer means yes. */
  static boolean isYes(String answer) {
    String word = answer.trim().toLowerCase(Locale.ROOT);
    return word.equals("y") || word.equals("yes") || word.equals("accept");
  }

  private void startReader() {
    if (reader != null) {
      return;
    }
    reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          answers.offer(line);
        }
      } catch (IOException ignored) {
        // No more input: questions from now on time out.
      }
    }, "console-answers");
    reader.setDaemon(true);
    reader.start();
  }
}

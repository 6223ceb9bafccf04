package io.micropay.pki.tls;

import io.micropay.pki.PkiException;
import java.security.Provider;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS engine a process uses and why, decided once: the native one where its library loads,
 * unless the operator asked for one by name. Deciding logs one line naming the engine and the
 * reason (once per process for each decision, however many TLS factories are made).
 *
 * @param engine the engine in use
 * @param reason why this one, in a few words
 */
public record TlsEngineChoice(TlsEngine engine, String reason) {
  private static final Logger LOG = LoggerFactory.getLogger(TlsEngineChoice.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  /** The native engine where its library loads here, else the JDK's. */
  public static TlsEngineChoice automatic() {
    Optional<String> failure = NativeTls.failure();
    TlsEngineChoice choice = failure.isEmpty()
        ? new TlsEngineChoice(TlsEngine.BORINGSSL, "the default; " + NativeTls.describe())
        : new TlsEngineChoice(TlsEngine.JDK, "the native engine does not load on this machine ("
            + failure.get() + ")");
    return choice.logged(failure.isPresent());
  }

  /**
   * Exactly {@code engine}, as asked on a command line; throws PkiException, saying why, when
   * it is the native one and its library does not load here.
   */
  public static TlsEngineChoice of(TlsEngine engine) {
    if (engine == TlsEngine.BORINGSSL) {
      NativeTls.failure().ifPresent(failure -> {
        throw new PkiException("the boringssl TLS engine cannot be used on this machine ("
            + failure + "); use --tls-engine jdk");
      });
      return new TlsEngineChoice(engine, "as asked; " + NativeTls.describe()).logged(false);
    }
    return new TlsEngineChoice(engine, "as asked").logged(false);
  }

  /** The named engine when {@code requested} is given, else {@link #automatic}. */
  public static TlsEngineChoice of(Optional<TlsEngine> requested) {
    return requested.map(TlsEngineChoice::of).orElseGet(TlsEngineChoice::automatic);
  }

  /** The JSSE provider of the engine; empty for the JDK's default. */
  Optional<Provider> provider() {
    return engine == TlsEngine.BORINGSSL ? NativeTls.provider() : Optional.empty();
  }

  /** One line for logs: {@code TLS engine boringssl (the default; BoringSSL through ...)}. */
  public String describe() {
    return "TLS engine " + engine.optionName() + " (" + reason + ")";
  }

  private TlsEngineChoice logged(boolean fellBack) {
    if (LOGGED.add(describe())) {
      if (fellBack) {
        LOG.warn("{}: handshakes will be several times slower", describe());
      } else {
        LOG.info("{}", describe());
      }
    }
    return this;
  }
}

package io.micropay.system.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micropay.pki.Passphrase;
import io.micropay.pki.testing.TestPki;
import io.micropay.pki.x509.Pem;
import io.micropay.server.TestServer;
import io.micropay.testing.ProtocolClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser: Debian's headless Chromium, driven by Selenium, presenting
 * an operator certificate from its NSS database (imported with pk12util), chosen without a
 * prompt by the AutoSelectCertificateForUrls policy. The screenshot is kept in
 * target/status-page.png.
 */
@Timeout(120)
class StatusPageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Chromium reads managed policies on Linux from here only. */
  private static final Path POLICIES = Path.of("/etc/chromium/policies/managed");

  @TempDir
  Path directory;

  @Test
  void showsWhoIsOnlineTheLatestTransfersAndTheAuditToAnOperatorsBrowser() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    try (TestServer server = TestServer.startWithOperatorEndpoint(directory.resolve("srv"))) {
      int port = server.server().operatorAddress().orElseThrow().getPort();
      TestPki pki = server.pki();
      Path home = directory.resolve("home");
      importOperator(pki, home);
      Path policy = POLICIES.resolve("micropay-test-" + UUID.randomUUID() + ".json");
      Files.createDirectories(POLICIES);
      Files.writeString(policy, "{\"AutoSelectCertificateForUrls\": [\"{\\\"pattern\\\":"
          + "\\\"https://127.0.0.1:" + port + "\\\",\\\"filter\\\":{}}\"]}",
          StandardCharsets.UTF_8);
      ChromeDriver browser = null;
      try (ProtocolClient alice = server.online("alice", 7001);
          ProtocolClient bob = server.online("bob", 7002)) {
        alice.expect("alice#42#bob#0123abcd-0000-4000-8000-000000000001", "Transfer OK!");
        server.server().sampleActivity();
        browser = browser(home);
        browser.get("https://127.0.0.1:" + port + "/");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(
            ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
        assertEquals("2", browser.findElement(By.id("online-count")).getText());
        String transfers = browser.findElement(By.id("transfers")).getText();
        assertTrue(transfers.contains("alice") && transfers.contains("42"), transfers);
        assertTrue(browser.findElement(By.id("audit")).getText().startsWith("BALANCED"));
        assertTrue(browser.findElement(By.id("versions")).getText()
            .contains("signed in as operator olga"));
        assertTrue(browser.findElements(By.cssSelector("#chart rect.settled")).size() >= 1,
            "the chart shows the settled transfer");
        Path screenshot = Path.of("target", "status-page.png");
        Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
      } finally {
        if (browser != null) {
          browser.quit();
        }
        Files.deleteIfExists(policy);
      }
    }
  }

  /** An NSS database in {@code home}/.pki/nssdb holding the CA and operator olga's key. */
  private static void importOperator(TestPki pki, Path home) throws Exception {
    TestPki.Identity olga = pki.operator("olga");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    List<java.security.cert.X509Certificate> chain = Pem.readCertificates(olga.certificate());
    store.setKeyEntry("olga", Pem.readPrivateKey(olga.key(), Passphrase.none()),
        "test".toCharArray(), chain.toArray(Certificate[]::new));
    Path p12 = home.resolve("olga.p12");
    Path nss = home.resolve(".pki/nssdb");
    Files.createDirectories(nss);
    try (OutputStream out = Files.newOutputStream(p12)) {
      store.store(out, "test".toCharArray());
    }
    String db = "sql:" + nss;
    exec(List.of("certutil", "-N", "-d", db, "--empty-password"));
    exec(List.of("certutil", "-A", "-d", db, "-n", "micropay test CA", "-t", "C,,",
        "-i", pki.layout().caCertificate().toString()));
    exec(List.of("pk12util", "-i", p12.toString(), "-d", db, "-W", "test"));
  }

  private static ChromeDriver browser(Path home) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1200,1000", "--user-data-dir=" + home.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withEnvironment(Map.of("HOME", home.toString())).build();
    return new ChromeDriver(service, options);
  }

  private static void exec(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), command + " hung");
    assertEquals(0, process.exitValue(), command + ": " + output);
  }
}

package io.micropay.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micropay.rules.AccountNames;
import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random and mutated lines never make the parser throw: each gives a valid request or one of the
 * protocol's rejection replies; and every valid request survives format-then-parse unchanged.
 */
class RequestParserPropertiesTest {
  private static final Set<Reply> REJECTIONS =
      EnumSet.of(Reply.FORMAT_ERROR, Reply.FAIL, Reply.DEPOSIT_FAIL);

  @Property(tries = 3000)
  void randomLinesGiveARequestOrAProtocolReply(@ForAll("lines") String line) {
    ParsedRequest parsed = RequestParser.parse(line);
    if (parsed.isRejected()) {
      assertTrue(REJECTIONS.contains(parsed.reply()), parsed.toString());
    } else {
      assertEquals(parsed.request(), RequestParser.parse(parsed.request().format()).request());
    }
  }

  @Property(tries = 2000)
  void validRequestsRoundTrip(@ForAll("requests") Request request) {
    ParsedRequest parsed = RequestParser.parse(request.format());
    assertEquals(request, parsed.request());
  }

  @Provide
  Arbitrary<String> lines() {
    Arbitrary<String> noise = Arbitraries.strings().withCharRange('\u0000', '\u00ff')
        .ofMaxLength(80);
    Arbitrary<String> protocolish = Arbitraries.strings()
        .withChars("#ListExitREGISTERDEPOSITalicebob0123456789-_. \r\t")
        .ofMaxLength(60);
    Arbitrary<String> mutated = requests().map(Request::format).flatMap(line ->
        Arbitraries.integers().between(0, line.length()).flatMap(at ->
            Arbitraries.chars().range('\u0000', '\u00ff').map(c ->
                line.substring(0, at) + c + line.substring(Math.min(line.length(), at + 1)))));
    return Arbitraries.oneOf(noise, protocolish, mutated);
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(AccountNames.MAX_LENGTH).filter(AccountNames::isValid);
    Arbitrary<Long> amounts = Arbitraries.longs().between(Limits.MIN_AMOUNT, Limits.MAX_AMOUNT);
    Arbitrary<Integer> ports = Arbitraries.integers().between(Limits.MIN_PORT, Limits.MAX_PORT);
    Arbitrary<String> ids = Arbitraries.strings().withChars("abcXYZ0189-")
        .ofMinLength(Limits.MIN_TRANSFER_ID_LENGTH).ofMaxLength(Limits.MAX_TRANSFER_ID_LENGTH);
    return Arbitraries.oneOf(
        Combinators.combine(names, amounts).as((n, a) -> new Request.Register(n, a)),
        names.map(n -> new Request.Register(n, 0)),
        Combinators.combine(names, ports).as(Request.Login::new),
        Combinators.combine(names, amounts, names, ids)
            .as((p, a, q, i) -> new Request.TransferReport(p, a, q, i)),
        Combinators.combine(names, amounts, names)
            .as((p, a, q) -> new Request.TransferReport(p, a, q, null)),
        Combinators.combine(names, amounts).as(Request.Deposit::new),
        Arbitraries.just(new Request.ListOnline()),
        Arbitraries.just(new Request.Exit()));
  }
}

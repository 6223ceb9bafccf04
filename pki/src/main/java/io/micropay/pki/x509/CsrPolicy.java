package io.micropay.pki.x509;

import io.micropay.pki.KeyAlgorithm;
import io.micropay.pki.PkiException;
import io.micropay.pki.Role;
import io.micropay.rules.AccountNames;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * What the CA checks before it signs a peer's certificate request:
 * <ol>
 *   <li>proof of possession: the request is signed by the key it asks a certificate for;</li>
 *   <li>the signature uses SHA-256 or stronger;</li>
 *   <li>the subject is exactly one CN, optionally with an OU that must name the role the request
 *       is signed for (a request for {@code OU=server} is never quietly signed as a peer); a
 *       peer's CN is a valid account name;</li>
 *   <li>the key is EC P-256 or P-384, or RSA of {@value KeyAlgorithm#MIN_RSA_BITS} to
 *       {@value KeyAlgorithm#MAX_RSA_BITS} bits.</li>
 * </ol>
 * Extensions the request asks for are never copied; they are reported so the operator knows they
 * were dropped.
 */
public final class CsrPolicy {
  private static final Set<String> STRONG_SIGNATURES = Set.of(
      "SHA256WITHECDSA", "SHA384WITHECDSA", "SHA512WITHECDSA",
      "SHA256WITHRSA", "SHA384WITHRSA", "SHA512WITHRSA",
      "SHA256WITHRSAANDMGF1", "SHA384WITHRSAANDMGF1", "SHA512WITHRSAANDMGF1");

  private CsrPolicy() {
  }

  /**
   * A request that passed the policy.
   *
   * @param commonName the account name the certificate will carry
   * @param publicKey the key the certificate will certify
   * @param ignoredExtensions OIDs of extensions the request asked for and the CA dropped
   */
  public record AcceptedRequest(String commonName, PublicKey publicKey,
      List<String> ignoredExtensions) {
  }

  /** Checks a peer's {@code request}; see {@link #check(PKCS10CertificationRequest, Role)}. */
  public static AcceptedRequest check(PKCS10CertificationRequest request) {
    return check(request, Role.PEER);
  }

  /**
   * Checks {@code request}, to be signed as a {@code role} certificate, and returns what the CA
   * will certify, or throws saying why not.
   */
  public static AcceptedRequest check(PKCS10CertificationRequest request, Role role) {
    JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
    PublicKey publicKey = publicKey(jca);
    checkProofOfPossession(request, publicKey);
    checkSignatureAlgorithm(request);
    String commonName = checkSubject(request, role);
    checkKey(publicKey);
    return new AcceptedRequest(commonName, publicKey, requestedExtensions(request));
  }

  private static PublicKey publicKey(JcaPKCS10CertificationRequest request) {
    try {
      return request.getPublicKey();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new PkiException("the request's public key cannot be read: " + e.getMessage(), e);
    }
  }

  private static void checkProofOfPossession(PKCS10CertificationRequest request,
      PublicKey publicKey) {
    boolean valid;
    try {
      valid = request.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(publicKey));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new PkiException("the request's signature cannot be checked: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new PkiException("the request's signature does not match its public key: "
          + "it was not made by the holder of the key, refusing to sign");
    }
  }

  private static void checkSignatureAlgorithm(PKCS10CertificationRequest request) {
    String name = new DefaultAlgorithmNameFinder()
        .getAlgorithmName(request.getSignatureAlgorithm()).toUpperCase(java.util.Locale.ROOT);
    if (!STRONG_SIGNATURES.contains(name)) {
      throw new PkiException("the request is signed with " + name
          + "; the CA accepts SHA-256 or stronger with ECDSA or RSA");
    }
  }

  private static String checkSubject(PKCS10CertificationRequest request, Role role) {
    RDN[] rdns = request.getSubject().getRDNs();
    String commonName = Subjects.commonName(request.getSubject()).orElseThrow(
        () -> new PkiException("the request's subject '" + request.getSubject()
            + "' must have exactly one CN, the account name"));
    for (RDN rdn : rdns) {
      ASN1ObjectIdentifier type = rdn.getFirst().getType();
      if (!type.equals(BCStyle.CN) && !type.equals(BCStyle.OU)) {
        throw new PkiException("the request's subject '" + request.getSubject()
            + "' may hold only CN=<account name>; the CA writes the rest");
      }
    }
    checkRequestedRole(request, role);
    return role.isHostRole() ? commonName
        : AccountNames.requireValid(commonName, PkiException::new);
  }

  /** An OU in the request is a role it asks for: it must be the role it is signed as. */
  private static void checkRequestedRole(PKCS10CertificationRequest request, Role role) {
    RDN[] units = request.getSubject().getRDNs(BCStyle.OU);
    if (units.length == 0) {
      return;
    }
    String asked = units.length == 1 ? Subjects.value(units[0]) : "";
    if (units.length > 1 || !asked.equals(role.organisationalUnit())) {
      String wanted = Role.fromOrganisationalUnit(asked)
          .map(other -> "; to sign it as a " + other.organisationalUnit() + " certificate, say "
              + "--role " + other.organisationalUnit()
              + (other == Role.SERVER ? " with its --san names" : ""))
          .orElse("; micropay's roles are " + java.util.Arrays.stream(Role.values())
              .map(Role::organisationalUnit).toList());
      throw new PkiException("the request asks for OU=" + (units.length > 1 ? "(several)" : asked)
          + " but is being signed as a " + role.organisationalUnit() + " certificate, whose OU "
          + "is " + role.organisationalUnit() + wanted);
    }
  }

  private static void checkKey(PublicKey publicKey) {
    if (publicKey instanceof RSAPublicKey rsa) {
      int bits = rsa.getModulus().bitLength();
      if (bits < KeyAlgorithm.MIN_RSA_BITS || bits > KeyAlgorithm.MAX_RSA_BITS) {
        throw new PkiException("the request's RSA key has " + bits + " bits; the CA signs "
            + KeyAlgorithm.MIN_RSA_BITS + " to " + KeyAlgorithm.MAX_RSA_BITS + " bits");
      }
      return;
    }
    if (publicKey instanceof ECPublicKey ec) {
      if (!isCurve(ec.getParams(), "secp256r1") && !isCurve(ec.getParams(), "secp384r1")) {
        throw new PkiException("the request's EC key is on an unsupported curve ("
            + ec.getParams().getCurve().getField().getFieldSize()
            + " bits); the CA signs P-256 and P-384 keys");
      }
      return;
    }
    throw new PkiException("the request's key is " + publicKey.getAlgorithm()
        + "; the CA signs EC (P-256, P-384) and RSA keys");
  }

  private static boolean isCurve(ECParameterSpec params, String curveName) {
    try {
      AlgorithmParameters named = AlgorithmParameters.getInstance("EC");
      named.init(new ECGenParameterSpec(curveName));
      ECParameterSpec spec = named.getParameterSpec(ECParameterSpec.class);
      return spec.getCurve().equals(params.getCurve())
          && spec.getGenerator().equals(params.getGenerator())
          && spec.getOrder().equals(params.getOrder());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK does not know curve " + curveName, e);
    }
  }

  private static List<String> requestedExtensions(PKCS10CertificationRequest request) {
    List<String> oids = new ArrayList<>();
    for (Attribute attribute
        : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
      for (var value : attribute.getAttributeValues()) {
        Extensions extensions = Extensions.getInstance(value);
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
          oids.add(oid.getId());
        }
      }
    }
    return oids;
  }
}

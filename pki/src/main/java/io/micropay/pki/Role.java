package io.micropay.pki;

import java.util.Optional;

/**
 * What a leaf certificate is for. The role is written into the subject as the
 * organisational unit ({@code OU=server}, {@code OU=peer}, {@code OU=operator}) and every TLS endpoint checks it:
 * the payment server and peer listeners accept only peer certificates from clients, a peer
 * dialling the server accepts only a server certificate, and a payer dialling a payee accepts only
 * a peer certificate. Without the role a peer whose account name happens to be a host name (say
 * {@code localhost}) could pass a host name check as the server, because the JDK falls back to the
 * CN when a certificate has no DNS subject alternative name.
 */
public enum Role {
  /** The payment server: TLS server only, names in the subject alternative name. */
  SERVER("server"),
  /** A person's peer: TLS client to the server and to payees, TLS server for its listener. */
  PEER("peer"),
  /**
   * The CA's own network service ({@code pki serve}): TLS server only, like the payment server,
   * but a role of its own so that neither can pose as the other.
   */
  CA_SERVICE("ca-service"),
  /**
   * A person who runs a payment server: TLS client only, admitted to the server's operator
   * endpoint (metrics, health, live books) and nowhere else, so that neither a peer nor an
   * operator can use the other's certificate for the other's job.
   */
  OPERATOR("operator");

  private final String organisationalUnit;

  Role(String organisationalUnit) {
    this.organisationalUnit = organisationalUnit;
  }

  /** The value of the subject's OU attribute for this role. */
  public String organisationalUnit() {
    return organisationalUnit;
  }

  /** Whether certificates of this role are TLS servers only, named by host name or address. */
  public boolean isHostRole() {
    return this == SERVER || this == CA_SERVICE;
  }

  /** The role whose OU value is {@code organisationalUnit}, if any. */
  public static Optional<Role> fromOrganisationalUnit(String organisationalUnit) {
    for (Role role : values()) {
      if (role.organisationalUnit().equals(organisationalUnit)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}

package dev.switchboard.xmpp;

import java.util.Locale;

/** RFC 6120 section 8.3.3 stanza error conditions, each with its usual error type. */
public enum StanzaErrorCondition {
  BAD_REQUEST("modify"),
  CONFLICT("cancel"),
  FEATURE_NOT_IMPLEMENTED("cancel"),
  FORBIDDEN("auth"),
  GONE("cancel"),
  INTERNAL_SERVER_ERROR("cancel"),
  ITEM_NOT_FOUND("cancel"),
  JID_MALFORMED("modify"),
  NOT_ACCEPTABLE("modify"),
  NOT_ALLOWED("cancel"),
  NOT_AUTHORIZED("auth"),
  POLICY_VIOLATION("modify"),
  RECIPIENT_UNAVAILABLE("wait"),
  REDIRECT("modify"),
  REGISTRATION_REQUIRED("auth"),
  REMOTE_SERVER_NOT_FOUND("cancel"),
  REMOTE_SERVER_TIMEOUT("wait"),
  RESOURCE_CONSTRAINT("wait"),
  SERVICE_UNAVAILABLE("cancel"),
  SUBSCRIPTION_REQUIRED("auth"),
  UNDEFINED_CONDITION("cancel"),
  UNEXPECTED_REQUEST("wait");

  private final String type;

  StanzaErrorCondition(String type) {
    this.type = type;
  }

  public String type() {
    return type;
  }

  public String elementName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

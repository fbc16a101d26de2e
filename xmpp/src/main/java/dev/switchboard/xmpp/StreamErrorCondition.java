package dev.switchboard.xmpp;

import java.util.Locale;

/** RFC 6120 section 4.9.3 stream error conditions. */
public enum StreamErrorCondition {
  BAD_FORMAT,
  BAD_NAMESPACE_PREFIX,
  CONFLICT,
  CONNECTION_TIMEOUT,
  HOST_GONE,
  HOST_UNKNOWN,
  IMPROPER_ADDRESSING,
  INTERNAL_SERVER_ERROR,
  INVALID_FROM,
  INVALID_NAMESPACE,
  INVALID_XML,
  NOT_AUTHORIZED,
  NOT_WELL_FORMED,
  POLICY_VIOLATION,
  REMOTE_CONNECTION_FAILED,
  RESET,
  RESOURCE_CONSTRAINT,
  RESTRICTED_XML,
  SEE_OTHER_HOST,
  SYSTEM_SHUTDOWN,
  UNDEFINED_CONDITION,
  UNSUPPORTED_ENCODING,
  UNSUPPORTED_FEATURE,
  UNSUPPORTED_STANZA_TYPE,
  UNSUPPORTED_VERSION;

  /** The element name, e.g. {@code not-well-formed}. */
  public String elementName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * {@code <stream:error>} with this condition and optional text. For {@code see-other-host} the
   * text is the host (and port) the client should use, carried inside the condition element as RFC
   * 6120 4.9.3.19 requires.
   */
  public String toXml(String text) {
    StringBuilder sb = new StringBuilder(160);
    if (this == SEE_OTHER_HOST && text != null) {
      sb.append("<stream:error><see-other-host xmlns='").append(Namespaces.STREAMS).append("'>");
      XmlWriter.escapeText(text, sb);
      return sb.append("</see-other-host></stream:error>").toString();
    }
    sb.append("<stream:error><")
        .append(elementName())
        .append(" xmlns='")
        .append(Namespaces.STREAMS)
        .append("'/>");
    if (text != null && !text.isEmpty()) {
      sb.append("<text xmlns='").append(Namespaces.STREAMS).append("'>");
      XmlWriter.escapeText(text, sb);
      sb.append("</text>");
    }
    return sb.append("</stream:error>").toString();
  }
}

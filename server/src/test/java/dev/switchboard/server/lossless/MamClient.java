package dev.switchboard.server.lossless;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jivesoftware.smack.SmackException.NoResponseException;
import org.jivesoftware.smack.SmackException.NotConnectedException;
import org.jivesoftware.smack.StanzaCollector;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.XMPPException.XMPPErrorException;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smackx.mam.element.MamElements.MamResultExtension;
import org.jivesoftware.smackx.mam.element.MamFinIQ;

/**
 * XEP-0313 queries of the own archive, written out by hand so that exactly the protocol is used: a
 * {@code urn:xmpp:mam:2} form with an optional {@code after-id}, and XEP-0059 paging with {@code
 * <max/>} and {@code <after/>}. Smack's experimental providers parse the result messages and the
 * {@code <fin/>}.
 */
public final class MamClient {
  public static final String NS = "urn:xmpp:mam:2";
  private static final AtomicLong QUERIES = new AtomicLong();

  private MamClient() {}

  /** One archived message: its archive id (the stanza-id) and the message as archived. */
  public record Item(String id, Message message) {}

  /**
   * One page, in archive order.
   *
   * @param last the RSM {@code <last/>} of the page, null if the page is empty
   */
  public record Page(List<Item> items, boolean complete, String last) {}

  /**
   * Queries the own archive for one page.
   *
   * @param afterId the form's {@code after-id}, or null
   * @param rsmAfter RSM {@code <after/>}, or null
   */
  public static Page query(XMPPConnection c, String afterId, String rsmAfter, int max)
      throws NoResponseException, XMPPErrorException, NotConnectedException, InterruptedException {
    String queryId = "lossless-" + QUERIES.incrementAndGet();
    StanzaCollector results =
        c.createStanzaCollector(
            s -> {
              if (!(s instanceof Message m)) {
                return false;
              }
              MamResultExtension r = MamResultExtension.from(m);
              return r != null && queryId.equals(r.getQueryId());
            });
    try {
      IQ answer = c.sendIqRequestAndWaitForResponse(new Query(queryId, afterId, rsmAfter, max));
      // results come before the answer and collectors are fed in order: all are queued now
      List<Item> items = new ArrayList<>();
      Message m;
      while ((m = results.pollResult()) != null) {
        MamResultExtension r = MamResultExtension.from(m);
        items.add(new Item(r.getId(), r.getForwarded().getForwardedStanza()));
      }
      if (!(answer instanceof MamFinIQ fin)) {
        throw new IllegalStateException("unexpected answer to a MAM query: " + answer.toXML());
      }
      String last = fin.getRSMSet() == null ? null : fin.getRSMSet().getLast();
      if (last == null && !items.isEmpty()) {
        last = items.getLast().id();
      }
      return new Page(items, fin.isComplete(), last);
    } finally {
      results.cancel();
    }
  }

  /** The query IQ. */
  static final class Query extends IQ {
    private final String queryId;
    private final String afterId;
    private final String rsmAfter;
    private final int max;

    Query(String queryId, String afterId, String rsmAfter, int max) {
      super("query", NS);
      this.queryId = queryId;
      this.afterId = afterId;
      this.rsmAfter = rsmAfter;
      this.max = max;
      setType(IQ.Type.set);
    }

    @Override
    protected IQChildElementXmlStringBuilder getIQChildElementBuilder(
        IQChildElementXmlStringBuilder xml) {
      xml.attribute("queryid", queryId);
      xml.rightAngleBracket();
      xml.append("<x xmlns='jabber:x:data' type='submit'>");
      xml.append("<field var='FORM_TYPE' type='hidden'><value>" + NS + "</value></field>");
      if (afterId != null) {
        xml.append("<field var='after-id'><value>");
        xml.escape(afterId);
        xml.append("</value></field>");
      }
      xml.append("</x>");
      xml.append("<set xmlns='http://jabber.org/protocol/rsm'><max>" + max + "</max>");
      if (rsmAfter != null) {
        xml.append("<after>");
        xml.escape(rsmAfter);
        xml.append("</after>");
      }
      xml.append("</set>");
      return xml;
    }
  }
}

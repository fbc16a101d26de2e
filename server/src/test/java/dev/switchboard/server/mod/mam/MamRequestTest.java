package dev.switchboard.server.mod.mam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.StanzaErrorCondition;
import dev.switchboard.xmpp.XmlReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading XEP-0313 queries: the form, RSM, and what is refused with which condition. */
class MamRequestTest {
  private static MamRequest parse(String inner) throws MamRequest.Invalid {
    return MamRequest.parse(
        XmlReader.parseElement("<query xmlns='urn:xmpp:mam:2' queryid='f27'>" + inner + "</query>"),
        100);
  }

  private static String form(String fields) {
    return "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
        + "<value>urn:xmpp:mam:2</value></field>"
        + fields
        + "</x>";
  }

  private static String field(String var, String... values) {
    StringBuilder sb = new StringBuilder("<field var='" + var + "'>");
    for (String v : values) {
      sb.append("<value>").append(v).append("</value>");
    }
    return sb.append("</field>").toString();
  }

  private static StanzaErrorCondition refused(String inner) {
    try {
      parse(inner);
    } catch (MamRequest.Invalid e) {
      return e.condition();
    }
    throw new AssertionError("accepted: " + inner);
  }

  @Test
  void anEmptyQueryAsksForTheFirstDefaultPage() throws Exception {
    MamRequest r = parse("");
    assertThat(r.queryId()).isEqualTo("f27");
    assertThat(r.query())
        .isEqualTo(new ArchiveQuery(null, null, null, null, null, List.of(), 50, false));
    assertThat(r.flip()).isFalse();
    assertThat(r.alsoExisting()).isEmpty();
  }

  @Test
  void readsEveryField() throws Exception {
    MamRequest r =
        parse(
            form(
                    field("with", "Juliet@Capulet.lit/Balcony")
                        + field("start", "2010-06-07T00:00:00Z")
                        + field("end", "2010-07-07T13:23:54.5+02:00")
                        + field("after-id", "A")
                        + field("before-id", "Z")
                        + field("ids", "B", "C"))
                + "<flip-page/>");
    ArchiveQuery q = r.query();
    assertThat(q.with()).isEqualTo(Jid.parse("juliet@capulet.lit/Balcony"));
    assertThat(q.start()).isEqualTo(Instant.parse("2010-06-07T00:00:00Z"));
    assertThat(q.end()).isEqualTo(Instant.parse("2010-07-07T11:23:54.5Z"));
    assertThat(q.afterId()).isEqualTo("A");
    assertThat(q.beforeId()).isEqualTo("Z");
    assertThat(q.ids()).containsExactly("B", "C");
    assertThat(q.fromEnd()).isFalse();
    assertThat(r.flip()).isTrue();
  }

  @Test
  void readsRsm() throws Exception {
    String rsm = "<set xmlns='http://jabber.org/protocol/rsm'>";
    assertThat(parse(rsm + "<max>10</max><after>X</after></set>").query())
        .extracting(ArchiveQuery::max, ArchiveQuery::afterId, ArchiveQuery::fromEnd)
        .containsExactly(10, "X", false);
    assertThat(parse(rsm + "<max>10</max><before/></set>").query())
        .extracting(ArchiveQuery::beforeId, ArchiveQuery::fromEnd)
        .containsExactly(null, true);
    assertThat(parse(rsm + "<before>Y</before></set>").query())
        .extracting(ArchiveQuery::beforeId, ArchiveQuery::fromEnd)
        .containsExactly("Y", true);
    assertThat(parse(rsm + "<max>5000</max></set>").query().max()).isEqualTo(100);
    assertThat(parse(rsm + "<max>0</max></set>").query().max()).isZero();
  }

  @Test
  void ofTwoBoundsTheTighterAppliesAndTheOtherMustExist() throws Exception {
    String rsm = "<set xmlns='http://jabber.org/protocol/rsm'>";
    MamRequest after = parse(form(field("after-id", "B")) + rsm + "<after>D</after></set>");
    assertThat(after.query().afterId()).isEqualTo("D");
    assertThat(after.alsoExisting()).containsExactly("B");
    MamRequest before = parse(form(field("before-id", "B")) + rsm + "<before>D</before></set>");
    assertThat(before.query().beforeId()).isEqualTo("B");
    assertThat(before.query().fromEnd()).isTrue();
    assertThat(before.alsoExisting()).containsExactly("D");
  }

  @Test
  void emptyValuesAreNoFilter() throws Exception {
    MamRequest r = parse(form(field("with", "") + "<field var='start'/>"));
    assertThat(r.query().with()).isNull();
    assertThat(r.query().start()).isNull();
  }

  @Test
  void refusals() {
    String rsm = "<set xmlns='http://jabber.org/protocol/rsm'>";
    assertThat(refused(form(field("start", "2010-06-07"))))
        .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("end", "soon")))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("with", "@capulet.lit"))))
        .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("with", "a@b", "c@d"))))
        .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("start", "2010-06-07T00:00:00Z") + field("start", "x"))))
        .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("ids", "A", " ")))).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(
            refused(
                "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
                    + "<value>urn:xmpp:mam:1</value></field></x>"))
        .isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(form(field("{urn:example}full-text", "hello"))))
        .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
    assertThat(refused(rsm + "<max>-1</max></set>")).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(rsm + "<max>ten</max></set>")).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(rsm + "<after/></set>")).isEqualTo(StanzaErrorCondition.BAD_REQUEST);
    assertThat(refused(rsm + "<index>3</index></set>"))
        .isEqualTo(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED);
    String[] many = new String[101];
    java.util.Arrays.fill(many, "A");
    assertThat(refused(form(field("ids", many)))).isEqualTo(StanzaErrorCondition.NOT_ACCEPTABLE);
  }

  @Test
  void pubsubArchivesAreNotHere() {
    assertThatThrownBy(
            () ->
                MamRequest.parse(
                    XmlReader.parseElement("<query xmlns='urn:xmpp:mam:2' node='n'/>"), 10))
        .isInstanceOf(MamRequest.Invalid.class);
  }

  @Test
  void stampsAreXep0082() {
    assertThat(MamRequest.stamp(Instant.parse("2024-03-01T12:00:00Z")))
        .isEqualTo("2024-03-01T12:00:00Z");
    assertThat(MamRequest.stamp(Instant.parse("2024-03-01T12:00:00.123456Z")))
        .isEqualTo("2024-03-01T12:00:00.123456Z");
  }
}

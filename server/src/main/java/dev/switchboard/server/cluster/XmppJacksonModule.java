package dev.switchboard.server.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.switchboard.xmpp.Element;
import dev.switchboard.xmpp.Jid;
import dev.switchboard.xmpp.XmlReader;
import java.io.IOException;

/**
 * Jackson (de)serializers for the protocol types inside cluster messages: an {@link Element} as its
 * XML, a {@link Jid} as its string form. Registered with Pekko's Jackson serialization by name.
 */
public final class XmppJacksonModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  public XmppJacksonModule() {
    super("switchboard-xmpp");
    addSerializer(Element.class, new ElementSerializer());
    addDeserializer(Element.class, new ElementDeserializer());
    addSerializer(Jid.class, new JidSerializer());
    addDeserializer(Jid.class, new JidDeserializer());
  }

  private static final class ElementSerializer extends JsonSerializer<Element> {
    @Override
    public void serialize(Element value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(value.toXml());
    }
  }

  private static final class ElementDeserializer extends JsonDeserializer<Element> {
    @Override
    public Element deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return XmlReader.parseElement(p.getValueAsString());
    }
  }

  private static final class JidSerializer extends JsonSerializer<Jid> {
    @Override
    public void serialize(Jid value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(value.toString());
    }
  }

  private static final class JidDeserializer extends JsonDeserializer<Jid> {
    @Override
    public Jid deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Jid.parse(p.getValueAsString());
    }
  }
}

package dev.switchboard.xmpp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An immutable XML element: local name, namespace URI, attributes and children.
 *
 * <p>Attributes are kept as a flat name/value array in document order: stanzas carry a handful of
 * attributes, and an array is smaller and faster to scan than a map. Attribute names are qualified
 * strings; {@code xml:lang} keeps its prefix, any other namespaced attribute is named {@code
 * {uri}local}. Namespace declarations are not attributes: the writer derives them.
 */
public final class Element implements Node {
  private static final String[] NO_ATTRS = new String[0];

  private final String name;
  private final String namespace;
  private final String[] attrs;
  private final List<Node> children;

  /**
   * The {@code to} and {@code from} addresses, parsed on first use and kept: a message's addresses
   * are read at every step of its way (stream check, router, delivery, archive, carbons), and
   * canonicalising them each time cost about 5 % of a routed message's CPU. Null until parsed;
   * {@link #NO_JID} when the attribute is missing or not a valid address. Written without
   * synchronisation like {@code String.hash}: a race parses twice, and a {@link Jid}'s fields are
   * final, so any thread sees one whole. Copies that leave an attribute alone keep its parse.
   */
  private Object toJid;

  private Object fromJid;
  private static final Object NO_JID = new Object();

  private Element(String name, String namespace, String[] attrs, List<Node> children) {
    this.name = name;
    this.namespace = namespace;
    this.attrs = attrs;
    this.children = children;
  }

  public static Element of(String name, String namespace) {
    return new Element(checkName(name), Objects.requireNonNull(namespace), NO_ATTRS, List.of());
  }

  public static Builder builder(String name, String namespace) {
    return new Builder(checkName(name), Objects.requireNonNull(namespace));
  }

  private static String checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("element name must not be empty");
    }
    return name;
  }

  public String name() {
    return name;
  }

  public String namespace() {
    return namespace;
  }

  /** The {@code to} attribute as an address, or null when missing or not a valid address. */
  public Jid toJid() {
    if (toJid == null) {
      toJid = parsedOrNone(attr("to"));
    }
    return toJid instanceof Jid j ? j : null;
  }

  /** The {@code from} attribute as an address, or null when missing or not a valid address. */
  public Jid fromJid() {
    if (fromJid == null) {
      fromJid = parsedOrNone(attr("from"));
    }
    return fromJid instanceof Jid j ? j : null;
  }

  private static Object parsedOrNone(String address) {
    Jid j = Jid.tryParse(address);
    return j == null ? NO_JID : j;
  }

  public boolean is(String name, String namespace) {
    return this.name.equals(name) && this.namespace.equals(namespace);
  }

  /** The attribute's value, or null. */
  public String attr(String attrName) {
    for (int i = 0; i < attrs.length; i += 2) {
      if (attrs[i].equals(attrName)) {
        return attrs[i + 1];
      }
    }
    return null;
  }

  public Optional<String> findAttr(String attrName) {
    return Optional.ofNullable(attr(attrName));
  }

  /** Attributes in document order. */
  public Map<String, String> attrs() {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < attrs.length; i += 2) {
      map.put(attrs[i], attrs[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  int attrCount() {
    return attrs.length / 2;
  }

  String attrName(int i) {
    return attrs[2 * i];
  }

  String attrValue(int i) {
    return attrs[2 * i + 1];
  }

  public List<Node> children() {
    return children;
  }

  /** Child elements only. */
  public List<Element> elements() {
    List<Element> out = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  /** The first child element with this name and namespace, or null. */
  public Element child(String childName, String childNamespace) {
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (n instanceof Element e
          && e.name.equals(childName)
          && e.namespace.equals(childNamespace)) {
        return e;
      }
    }
    return null;
  }

  /** The first child element in this namespace, whatever its name, or null. */
  public Element childIn(String childNamespace) {
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (n instanceof Element e && e.namespace.equals(childNamespace)) {
        return e;
      }
    }
    return null;
  }

  /** The first child element of any name and namespace, or null. */
  public Element firstElement() {
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (n instanceof Element e) {
        return e;
      }
    }
    return null;
  }

  public boolean hasChild(String childName, String childNamespace) {
    return child(childName, childNamespace) != null;
  }

  /** The text of the first child element with this name and namespace, or null. */
  public String childText(String childName, String childNamespace) {
    Element c = child(childName, childNamespace);
    return c == null ? null : c.text();
  }

  /** Concatenated character data of the direct children. */
  public String text() {
    if (children.size() == 1 && children.get(0) instanceof Text t) {
      return t.value();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (n instanceof Text t) {
        sb.append(t.value());
      }
    }
    return sb.toString();
  }

  public Element withAttr(String attrName, String value) {
    if (value == null) {
      return withoutAttr(attrName);
    }
    for (int i = 0; i < attrs.length; i += 2) {
      if (attrs[i].equals(attrName)) {
        if (attrs[i + 1].equals(value)) {
          return this;
        }
        String[] copy = attrs.clone();
        copy[i + 1] = value;
        return derived(namespace, copy, children, attrName);
      }
    }
    String[] copy = Arrays.copyOf(attrs, attrs.length + 2);
    copy[attrs.length] = attrName;
    copy[attrs.length + 1] = value;
    return derived(namespace, copy, children, attrName);
  }

  /** A copy whose {@code from} is {@code address} (none when null), keeping it parsed. */
  public Element withFrom(Jid address) {
    Element e = withAttr("from", address == null ? null : address.toString());
    if (address != null) {
      e.fromJid = address;
    }
    return e;
  }

  /** A copy whose {@code to} is {@code address} (none when null), keeping it parsed. */
  public Element withTo(Jid address) {
    Element e = withAttr("to", address == null ? null : address.toString());
    if (address != null) {
      e.toJid = address;
    }
    return e;
  }

  /**
   * A copy with {@code newNamespace}, {@code newAttrs} and {@code newChildren} that keeps the
   * parsed addresses, except the one whose attribute is {@code changedAttr} (null: attributes
   * unchanged).
   */
  private Element derived(
      String newNamespace, String[] newAttrs, List<Node> newChildren, String changedAttr) {
    Element copy = new Element(name, newNamespace, newAttrs, newChildren);
    if (!"to".equals(changedAttr)) {
      copy.toJid = toJid;
    }
    if (!"from".equals(changedAttr)) {
      copy.fromJid = fromJid;
    }
    return copy;
  }

  public Element withoutAttr(String attrName) {
    for (int i = 0; i < attrs.length; i += 2) {
      if (attrs[i].equals(attrName)) {
        String[] copy = new String[attrs.length - 2];
        System.arraycopy(attrs, 0, copy, 0, i);
        System.arraycopy(attrs, i + 2, copy, i, attrs.length - i - 2);
        return derived(namespace, copy, children, attrName);
      }
    }
    return this;
  }

  public Element withChildren(List<? extends Node> newChildren) {
    return derived(namespace, attrs, List.copyOf(newChildren), null);
  }

  public Element withChild(Node child) {
    if (child == null) {
      return this;
    }
    List<Node> copy = new ArrayList<>(children.size() + 1);
    copy.addAll(children);
    copy.add(child);
    return derived(namespace, attrs, List.copyOf(copy), null);
  }

  /** A copy without the child elements this predicate matches. */
  public Element withoutChildren(java.util.function.Predicate<Element> match) {
    boolean any = false;
    for (int i = 0; i < children.size() && !any; i++) {
      any = children.get(i) instanceof Element e && match.test(e);
    }
    if (!any) {
      return this;
    }
    List<Node> copy = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (!(n instanceof Element e && match.test(e))) {
        copy.add(n);
      }
    }
    return copy.size() == children.size()
        ? this
        : derived(namespace, attrs, List.copyOf(copy), null);
  }

  /** A copy with the first child element matching name and namespace replaced (or removed). */
  public Element mapChild(String childName, String childNs, UnaryOperator<Element> f) {
    List<Node> copy = new ArrayList<>(children.size());
    boolean done = false;
    for (int i = 0; i < children.size(); i++) {
      Node n = children.get(i);
      if (!done && n instanceof Element e && e.is(childName, childNs)) {
        done = true;
        Element r = f.apply(e);
        if (r != null) {
          copy.add(r);
        }
      } else {
        copy.add(n);
      }
    }
    return derived(namespace, attrs, List.copyOf(copy), null);
  }

  /** A copy in another namespace, children untouched (e.g. jabber:server to jabber:client). */
  public Element withNamespace(String ns) {
    return ns.equals(namespace) ? this : derived(ns, attrs, children, null);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name, namespace);
    for (int i = 0; i < attrs.length; i += 2) {
      b.attr(attrs[i], attrs[i + 1]);
    }
    b.children.addAll(children);
    return b;
  }

  /** Serialized XML with this element's namespace declared on it. */
  public String toXml() {
    return XmlWriter.toXml(this);
  }

  @Override
  public String toString() {
    return toXml();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Element e
        && name.equals(e.name)
        && namespace.equals(e.namespace)
        && attrs().equals(e.attrs())
        && children.equals(e.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, namespace, attrs(), children);
  }

  /**
   * Builds an element; children default to the parent's namespace when built with {@link #child}.
   */
  public static final class Builder {
    private final String name;
    private final String namespace;
    private final List<String> attrs = new ArrayList<>(8);
    private final List<Node> children = new ArrayList<>(4);

    private Builder(String name, String namespace) {
      this.name = name;
      this.namespace = namespace;
    }

    /** Sets an attribute; a null value leaves it out. */
    public Builder attr(String attrName, String value) {
      if (value == null) {
        return this;
      }
      for (int i = 0; i < attrs.size(); i += 2) {
        if (attrs.get(i).equals(attrName)) {
          attrs.set(i + 1, value);
          return this;
        }
      }
      attrs.add(attrName);
      attrs.add(value);
      return this;
    }

    public Builder child(Node node) {
      if (node != null) {
        children.add(node);
      }
      return this;
    }

    public Builder children(List<? extends Node> nodes) {
      nodes.forEach(this::child);
      return this;
    }

    /** Adds an empty child element in the given namespace. */
    public Builder child(String childName, String childNamespace) {
      return child(Element.of(childName, childNamespace));
    }

    /** Adds a child element in this element's namespace holding only text. */
    public Builder textChild(String childName, String text) {
      if (text == null) {
        return this;
      }
      return child(Element.builder(childName, namespace).text(text).build());
    }

    public Builder text(String text) {
      if (text != null && !text.isEmpty()) {
        children.add(new Text(text));
      }
      return this;
    }

    public Element build() {
      String[] a = attrs.isEmpty() ? NO_ATTRS : attrs.toArray(new String[0]);
      List<Node> c = children.isEmpty() ? List.of() : List.copyOf(children);
      return new Element(name, namespace, a, c);
    }
  }
}

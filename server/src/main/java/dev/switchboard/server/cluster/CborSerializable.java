package dev.switchboard.server.cluster;

/**
 * Marks messages that may cross from one node to another; they are serialized with Jackson CBOR
 * (bound in the Pekko configuration). Elements and JIDs inside them travel as strings, see {@link
 * XmppJacksonModule}.
 */
public interface CborSerializable {}

package dev.switchboard.server.module;

import java.util.SortedSet;

/** The disco#info features derived from what modules registered. */
public interface DiscoFeatures {
  /** Features of the server's domain JID. */
  SortedSet<String> server();

  /** Features of an account's bare JID. */
  SortedSet<String> account();
}

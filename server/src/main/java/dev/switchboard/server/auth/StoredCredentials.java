package dev.switchboard.server.auth;

/** placeholder until merged */
public record StoredCredentials(Object sha1, Object sha256) {}

-- A message is archived once per archive: the resend key (the client's origin-id, or the sending
-- session and its stream position) is unique per owner, conversation and direction, so that a
-- resend is refused by the insert itself instead of being looked for with a read per message.
-- Rows without a key (NULL) are not constrained.
DROP INDEX mam_messages_origin;
CREATE UNIQUE INDEX mam_messages_resend ON mam_messages (domain, username, with_bare, outgoing, origin_id);

-- Finding a resent message by its XEP-0359 origin-id (MessageArchiver drops resends).
CREATE INDEX mam_messages_origin ON mam_messages (domain, username, origin_id);

-- Prosody (Debian 0.12.3) as bench/compare.sh runs it: one host, client connections on plain TCP
-- over loopback with optional STARTTLS, SASL PLAIN allowed without TLS, no mod_limits (no
-- per-connection rate limit), raised listen backlog, and only the modules the scenarios need.
-- @PORT@, @DATA@, @CERT@ and @KEY@ (a self-signed certificate) are filled in by compare.sh.

pidfile = "@DATA@/prosody.pid"
data_path = "@DATA@"
log = { warn = "@DATA@/prosody.log" }

network_backend = "epoll"
-- nagle = false sets TCP_NODELAY on client connections, as ejabberd and Switchboard do
network_settings = { tcp_backlog = 4096; nagle = false }
interfaces = { "127.0.0.1" }
c2s_ports = { @PORT@ }
c2s_interfaces = { "127.0.0.1" }

c2s_require_encryption = false
ssl = { certificate = "@CERT@"; key = "@KEY@" }
allow_unencrypted_plain_auth = true

authentication = "internal_hashed"
-- the same PBKDF2 cost as Switchboard's and ejabberd's stored keys (Prosody's default is 10000)
default_iteration_count = 4096
storage = "internal"

-- mod_limits is not loaded, so no per-connection rate limit applies.
-- only what the scenarios use: no server-to-server or offline storage, and the message archive
-- only with ARCHIVE=on (@MAM@: mod_mam archiving every 1:1 message in the internal store, as the
-- three servers' archives are off or on together); tls offers STARTTLS
modules_enabled = { "roster"; "saslauth"; "tls"; "disco"; "ping"; @MAM@ }
default_archive_policy = true
archive_expires_after = "never"
modules_disabled = { "s2s"; "offline" }

VirtualHost "localhost"

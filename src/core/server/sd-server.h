/* sd-server.h: the built-in SMTP server
 *
 * A small, bounded SMTP server (RFC 5321) with STARTTLS, implicit TLS, AUTH PLAIN, LOGIN
 * and CRAM-MD5, and switchable policies that reproduce common server setups. It runs in
 * its own thread and main context; each session runs on a pool thread with blocking,
 * timed reads. Every session produces the same SdEvent stream as a client session, seen
 * from the server (RECEIVED: what the client sent; SENT: our replies).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-event.h"
#include "sd-hint.h"
#include "sd-tls.h"

G_BEGIN_DECLS

#define SD_SERVER_ERROR (sd_server_error_quark ())
GQuark sd_server_error_quark (void);

typedef enum {
  SD_SERVER_ERROR_INVALID_CONFIG,  /* a bad address, account or limit */
  SD_SERVER_ERROR_CERTIFICATE,     /* the certificate could not be made, read or stored */
  SD_SERVER_ERROR_BIND,            /* the port could not be bound */
  SD_SERVER_ERROR_RUNNING,         /* started twice */
} SdServerError;

typedef struct {
  char     *user;
  char     *password;   /* wiped by sd_server_config_free() */
} SdServerAccount;

typedef struct {
  char       *listen_address;    /* NULL: "127.0.0.1" */
  guint16     port;              /* 0: ephemeral */
  gboolean    implicit_tls;      /* also listen for implicit TLS (port 465 style) */
  guint16     tls_port;          /* for implicit_tls; 0: ephemeral */
  gboolean    starttls;          /* offer STARTTLS (default TRUE) */
  guint       tls_min_version;   /* 12: TLS 1.2 and up, 13: TLS 1.3 only; 10: TLS 1.0 and up
                                  * (for testing old devices); 0: GnuTLS's default */
  char       *hostname;          /* greeting and EHLO name; NULL: "smtp-doctor.localhost" */
  char       *cert_pem;          /* the server certificate and key; NULL: generated */
  char       *key_pem;
  char       *cert_dir;          /* where a generated one is kept; NULL: the user data dir */
  GPtrArray  *accounts;          /* (element-type SdServerAccount) */
  gboolean    accept_any_auth;   /* any credentials pass; the user name tried is recorded */
  gboolean    require_tls_for_auth; /* no AUTH before STARTTLS (Exchange's default) */
  gboolean    require_auth;      /* MAIL before AUTH: 530 5.7.0 */
  char       *gssapi_keytab;     /* also offer AUTH GSSAPI, accepting tickets for any key
                                  * in this keytab (builds with MIT krb5 only) */
  GPtrArray  *relay_domains;     /* (element-type utf8) NULL or empty: any domain; else
                                  * unauthenticated RCPT elsewhere gets 550 5.7.54 */
  gboolean    greylist;          /* first try of each (client, from, to): 451 4.7.1 */
  guint64     max_size;          /* message bytes; 0: 10 MiB */
  guint       max_messages;      /* kept in memory; 0: 100 */
  char       *maildir;           /* also write each message there as NAME.eml; NULL: no */
  guint       max_line;          /* command line bytes; 0: 4096 (at least 1000) */
  guint       max_commands;      /* per session; 0: 1000 */
  guint       max_sessions;      /* at once; beyond: 421 4.3.2; 0: 50 */
  guint       idle_timeout_s;    /* 0: 300 */
  gboolean    dsn;               /* offer DSN (RFC 3461): RET, ENVID, NOTIFY, ORCPT */
  gboolean    smtputf8;          /* offer SMTPUTF8 (RFC 6531); without it a non-ASCII
                                  * address gets 553 5.6.7 */
  guint       rate_limit;        /* messages (MAIL commands) per rate_window_s from all
                                  * clients; beyond: 451 4.7.0; 0: no limit */
  guint       rate_window_s;     /* 0: 60 */
  char       *connector;         /* a behaviour from sd-server-connector.h, set by
                                  * sd_server_config_apply_connector(); NULL: our own */
  gboolean    require_tls;       /* MAIL before STARTTLS: refused */
  GPtrArray  *faults;            /* (element-type SdServerFault) see sd-server-fault.h */
  guint       max_sessions_per_client; /* at once from one address; beyond: 421 4.7.0; 0: 10 */
  guint       greeting_timeout_s; /* from the connection to EHLO/HELO; 0: 60 */
  guint       command_timeout_s; /* one command line, from its first byte to its end; 0: 60 */
} SdServerConfig;

SdServerConfig *sd_server_config_new          (void);
void            sd_server_config_free         (SdServerConfig       *config);
SdServerConfig *sd_server_config_copy         (const SdServerConfig *config);
void            sd_server_config_add_account  (SdServerConfig       *config,
                                               const char           *user,
                                               const char           *password);
void            sd_server_config_add_relay_domain (SdServerConfig   *config,
                                                   const char       *domain);
/* Whether this build's server can take gssapi_keytab. */
gboolean        sd_server_gssapi_available    (void);

/* One received message. */
typedef struct {
  guint      session_id;
  char      *mail_from;       /* reverse path, "" for <> */
  GStrv      rcpt_to;
  char      *auth_user;       /* who was authenticated, NULL if nobody */
  gboolean   tls;
  gint64     received;        /* unix microseconds */
  GBytes    *data;            /* exactly as received, dot-unstuffed, without the final "." */
  char      *mail_params;     /* MAIL FROM's parameters as sent ("SIZE=123 RET=HDRS"), or "" */
  GStrv      rcpt_params;     /* each accepted RCPT TO's parameters, as rcpt_to */
  char      *path;            /* the .eml file, NULL if not written */
} SdServerMessage;

SdServerMessage *sd_server_message_copy (const SdServerMessage *message);
void             sd_server_message_free (SdServerMessage       *message);

/* What one finished session knows about the client. */
typedef struct {
  guint      id;
  char      *peer;                  /* "127.0.0.1:54321" */
  gboolean   implicit_tls;
  char      *ehlo_name;             /* EHLO or HELO argument, NULL if never said */
  gboolean   used_helo;
  gboolean   starttls_offered;      /* we offered it on this connection */
  gboolean   starttls_used;         /* the handshake completed after STARTTLS */
  gboolean   tls;                   /* the session ended inside TLS */
  char      *tls_version;           /* "TLS1.3" or NULL */
  SdTlsClientHello *client_hello;   /* what it offered (also when the handshake failed) */
  gboolean   auth_before_tls;       /* AUTH attempted in clear while STARTTLS was offered */
  gboolean   auth_refused_no_tls;   /* ... and refused by require_tls_for_auth */
  char      *auth_mechanism;        /* the last AUTH tried, upper case */
  char      *auth_user;             /* the user name tried (whatever the outcome) */
  gboolean   authenticated;
  guint      auth_failures;
  gboolean   mail_refused_no_auth;  /* 530 for require_auth */
  GPtrArray *mail_from;             /* (element-type utf8) every reverse path accepted */
  guint      relay_refused;
  guint      greylisted;
  guint      rate_limited;          /* MAIL refused by the rate limit */
  guint      messages;              /* accepted */
  guint      messages_too_big;
  gboolean   bare_lf;               /* a line ended in LF alone (command or data) */
  gboolean   eightbit_undeclared;   /* 8-bit data without BODY=8BITMIME */
  gboolean   client_quit;           /* QUIT, rather than a close or timeout */
  char      *end_reason;            /* "quit", "closed", "idle timeout", ... */
  GPtrArray *events;                /* (element-type SdEvent) the whole transcript */
  GPtrArray *hints;                 /* (element-type SdHint) about the client */
} SdServerSession;

/* The session on one line of JSON: facts, hints and transcript (transfer full). */
char *sd_server_session_to_json (const SdServerSession *session);

/* A finished session's record outlives the signal (its arrays are shared). */
SdServerSession *sd_server_session_copy (const SdServerSession *session);
void             sd_server_session_free (SdServerSession *session);

/* The hints about a client, from what the session recorded (sd-server-hints.c). */
GPtrArray       *sd_server_session_hints (const SdServerSession *session,
                                          const SdServerConfig  *config);

#define SD_TYPE_SERVER (sd_server_get_type ())
G_DECLARE_FINAL_TYPE (SdServer, sd_server, SD, SERVER, GObject)

/* Takes a copy of @config. */
SdServer   *sd_server_new             (const SdServerConfig *config);
/* Makes or loads the certificate, binds, and starts serving. Signals are emitted on the
 * thread-default main context of the caller, in order per session:
 *   "session-started"  (guint id, const char *peer)
 *   "session-events"   (guint id, GPtrArray *events) batches of SdEvent
 *   "message-received" (guint id, SdServerMessage *message)
 *   "session-finished" (guint id, SdServerSession *session)
 * Pointers are valid during the emission only. */
gboolean    sd_server_start           (SdServer     *self,
                                       GError      **error);
/* Closes the ports and every session, and waits for them (bounded). Safe twice. */
void        sd_server_stop            (SdServer     *self);
guint16     sd_server_get_port        (SdServer     *self);
/* 0 without implicit TLS. */
guint16     sd_server_get_tls_port    (SdServer     *self);
/* (transfer none) the certificate in use, and where it is kept (NULL if given as PEM). */
const char *sd_server_get_cert_pem    (SdServer     *self);
const char *sd_server_get_cert_path   (SdServer     *self);
/* Lower-case hex SHA-256 of the certificate, for `send --tls-verify pin:...`. */
const char *sd_server_get_cert_sha256 (SdServer     *self);
/* {"listening": {address, port, tls_port, cert_path, cert_sha256}} on one line. */
char       *sd_server_listening_to_json (SdServer   *self,
                                         const char *address);
/* (transfer full) (element-type SdServerMessage) the kept messages, oldest first. */
GPtrArray  *sd_server_get_messages    (SdServer     *self);
/* Sessions now running, and accepted in all. */
guint       sd_server_get_n_active    (SdServer     *self);
guint       sd_server_get_n_sessions  (SdServer     *self);

/* Loads the certificate kept in @dir, or makes and stores one (key mode 0600).
 * (transfer full) PEM strings and the certificate's path. */
gboolean    sd_server_load_or_make_certificate (const char  *dir,
                                                char       **cert_pem,
                                                char       **key_pem,
                                                char       **cert_path,
                                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdServerConfig, sd_server_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdServerMessage, sd_server_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdServerSession, sd_server_session_free)

G_END_DECLS

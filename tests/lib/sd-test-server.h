/* sd-test-server.h: a scripted SMTP server on loopback that can misbehave on purpose
 *
 * One thread, one listening socket on 127.0.0.1 (or ::1) with an ephemeral port, one
 * connection served at a time (n_connections of them). It answers like a small real
 * server unless told otherwise, and records every byte it receives so a test can check
 * what the client sent, where (plain text or inside TLS) and in which order.
 *
 * Replies given as "lines" in the config have no final CRLF (the server adds it; put
 * "\r\n" between lines of a multi-line reply). "Raw" fields are sent exactly as given.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where a command or byte was seen. */
typedef enum {
  SD_TEST_ANY,
  SD_TEST_PLAIN,   /* before TLS (or without it) */
  SD_TEST_TLS,     /* inside TLS */
} SdTestWhere;

/* Verbs in scripts are commands ("EHLO", "MAIL", ...), or "GREETING" for the greeting,
 * or "." for the end of DATA (the message is recorded, then the script runs instead of
 * the final reply). */
typedef struct {
  const char  *verb;    /* see above */
  const char  *raw;     /* sent instead of the normal reply; "" answers nothing */
  SdTestWhere  where;   /* only in this phase; SD_TEST_ANY (0) for both */
} SdTestOverride;

typedef struct {
  const char          *greeting;              /* line(s); default "220 test.invalid ESMTP ..." */
  const char          *ehlo_domain;           /* first EHLO line; default "test.invalid" */
  const char * const  *ehlo_caps;             /* extension lines before TLS; NULL: none */
  const char * const  *ehlo_caps_tls;         /* after TLS; NULL: none */
  const char          *starttls_reply;        /* line(s); default "220 2.0.0 Ready to start TLS";
                                               * the handshake starts only if it begins "220" */
  const char          *inject_after_starttls; /* raw, in the same write as starttls_reply */
  gboolean             implicit_tls;          /* handshake before the greeting */
  const char          *cert_pem;              /* NULL: sd_test_certs_get()->valid */
  const char          *key_pem;
  const char          *priority;              /* GnuTLS priority string, NULL: default */
  const char          *auth_user;             /* default "alice" */
  const char          *auth_password;         /* default "secret" */
  const char          *auth_token;            /* XOAUTH2/OAUTHBEARER; default "test-token-123" */
  const char          *oauth_error_json;      /* sent base64 in the 334 when the token is
                                               * wrong; default a Google-like 401 */
  const char          *ntlm_domain;           /* NTLM: the domain the type 3 must carry; NULL
                                               * accepts any (the proof covers it anyway) */
  const char          *ntlm_challenge_b64;    /* NTLM: sent instead of the good type 2 */
  gboolean             auth_close_after_fail; /* 535, then 221 and close */
  gboolean             require_auth;          /* MAIL before AUTH gets 530 */
  const char          *mail_reply;            /* line(s) instead of "250 2.1.0 Ok" */
  const char          *rcpt_reply;            /* line(s) instead of "250 2.1.5 Ok" */
  const char * const  *rcpt_reject;           /* addresses answered "550 5.1.1 User unknown" */
  const char          *data_reply;            /* line(s) instead of "354 End data with ..." */
  const char          *data_end_reply;        /* line(s) instead of "250 2.0.0 Ok: queued ..." */
  gboolean             chunking;              /* offer CHUNKING (both lists) and take BDAT */
  gboolean             byte_by_byte;          /* every reply byte in its own send */
  guint                byte_delay_us;         /* pause between those bytes; default 1000 */
  const char          *close_after;           /* verb: close instead of replying */
  const char          *close_partial;         /* raw bytes written before that close, or NULL */
  const char          *stall_on;              /* verb: stop answering, stay open */
  const SdTestOverride *overrides;            /* ends with { NULL }; first match wins */
  guint                n_connections;         /* served one after another; default 1 */
  guint                timeout_s;             /* every server-side wait; default 10 */
  gboolean             ipv6;                  /* listen on ::1 instead of 127.0.0.1 */
} SdTestServerConfig;

/* One line the client sent outside message data (commands and AUTH responses). */
typedef struct {
  char     *line;        /* without CRLF */
  gboolean  tls;         /* arrived inside TLS */
  gboolean  auth_data;   /* a response to a 334 challenge, not a command */
  guint     connection;  /* 0 for the first connection */
} SdTestCommand;

/* What the server saw. Read it after sd_test_server_get_record(). */
typedef struct {
  GByteArray *received_plain;      /* every byte received outside TLS, all connections */
  GByteArray *received_tls;        /* every byte received inside TLS (decrypted) */
  GString    *transcript;          /* "C: ...", "S: ..." and "-- ... --" markers, for failures */
  GPtrArray  *commands;            /* (element-type SdTestCommand) in order */
  GPtrArray  *messages;            /* (element-type GBytes) each message, dot-unstuffed,
                                    * without the final ".", or the BDAT chunks joined */
  guint       n_connections;       /* accepted */
  gboolean    tls_established;     /* a handshake completed */
  char       *tls_error;           /* the server's handshake error, NULL if none */
  gboolean    authenticated;
  char       *auth_mechanism;      /* of the last AUTH command, upper case */
  guint       auth_failures;
  char       *ntlm_user;           /* user and domain of the last NTLM type 3 */
  char       *ntlm_domain;
  gboolean    ntlm_lm_zero;        /* its LMv2 response was all zero (we sent a timestamp) */
  char       *oauth_error_answer;  /* what the client answered the OAuth error with,
                                    * escaped; NULL if it was never sent */
  gsize       bytes_before_handshake; /* client bytes after STARTTLS, before the handshake */
  gboolean    bare_lf;             /* a command line ended in LF without CR */
  gboolean    client_closed;       /* the client closed first (EOF) */
  gboolean    stalled;             /* stall_on was reached */
  char       *error;               /* last server-side I/O problem, NULL if none */
} SdTestRecord;

typedef struct _SdTestServer SdTestServer;

/* Defaults as documented above; the caller then changes what the test needs. */
void                sd_test_server_config_init  (SdTestServerConfig *config);

/* Copies @config, listens, and starts the thread. */
SdTestServer       *sd_test_server_new          (const SdTestServerConfig *config,
                                                 GError                  **error);
guint16             sd_test_server_get_port     (SdTestServer *self);
/* Waits until all connections were served; FALSE after @timeout_ms. */
gboolean            sd_test_server_wait         (SdTestServer *self,
                                                 guint         timeout_ms);
/* Closes the listening socket and any open connection (a stalled one too) and joins
 * the thread. Safe to call twice. */
void                sd_test_server_stop         (SdTestServer *self);
/* Waits (at most the configured timeout), stops, and returns the record
 * (transfer none, valid until sd_test_server_free()). */
const SdTestRecord *sd_test_server_get_record   (SdTestServer *self);
void                sd_test_server_free         (SdTestServer *self);

/* Helpers for assertions. Verbs and needles compare case-insensitively. */
gboolean            sd_test_record_has_command  (const SdTestRecord *record,
                                                 const char         *verb,
                                                 SdTestWhere         where);
/* The first command line with that verb, or NULL (transfer none). */
const char         *sd_test_record_find_command (const SdTestRecord *record,
                                                 const char         *verb,
                                                 SdTestWhere         where);
guint               sd_test_record_count_commands (const SdTestRecord *record,
                                                   const char         *verb,
                                                   SdTestWhere         where);
gboolean            sd_test_record_received_contains (const SdTestRecord *record,
                                                      SdTestWhere         where,
                                                      const char         *needle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestServer, sd_test_server_free)

G_END_DECLS

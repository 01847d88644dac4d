/* sd-report.h: what a finished session knows, and its renderings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-capabilities.h"
#include "sd-event.h"
#include "sd-hint.h"
#include "sd-settings.h"
#include "sd-tls.h"

G_BEGIN_DECLS

typedef struct {
  char    *address;   /* as given */
  SdReply *reply;     /* NULL if never answered */
} SdRecipientResult;

typedef struct {
  gboolean        ok;              /* sent, or reached quit_after */
  SdStage         stage;           /* the last stage entered */
  GError         *error;           /* why not ok; NULL when ok */
  SdReply        *reply;           /* the reply that failed the session, or the last one */
  /* Why, in facts rather than words: the messages are translated. */
  gboolean        closed_by_server; /* the server hung up while a reply was awaited */
  int             connect_error;   /* GIOErrorEnum of the last failed connect, or -1 */
  gboolean        tls_at_once;     /* no greeting, but the port answered a TLS handshake */
  char           *host;
  guint16         port;
  char           *address;         /* "127.0.0.1:2525" once connected */
  char           *security;        /* "starttls", ... */
  gboolean        credentials_given; /* a user name was set and auth was not "none" */
  char           *banner;          /* greeting text */
  SdCapabilities *caps_before_tls; /* NULL if EHLO never answered */
  SdCapabilities *caps_after_tls;  /* NULL without TLS */
  SdTlsInfo      *tls;             /* NULL without TLS */
  char           *auth_mechanism;  /* used (or tried, when AUTH failed), NULL if none */
  char           *auth_oauth_status;  /* from a "334 <base64 JSON>" OAuth error, else NULL */
  char           *auth_oauth_scope;
  char           *auth_oauth_schemes;
  char          **auth_token_facts; /* what reading the access token warned about
                                     * ("oauth-token-expired", …; sd-jwt.h), else NULL */
  char           *auth_fact;       /* what the mechanism found wrong itself (GSSAPI:
                                    * "gssapi-spn-unknown", …; sd-gss.h), else NULL */
  GPtrArray      *recipients;      /* (element-type SdRecipientResult) */
  gint64          timings_us[SD_N_STAGES]; /* -1: stage not run */
  GPtrArray      *events;          /* (element-type SdEvent) the whole transcript */
  gboolean        pipelining_used;
  gboolean        chunking_used;
  /* A test that stopped where asked (--quit-after, Test connection) sent no message:
   * say so rather than "accepted" (sd_report_describe_outcome()). */
  gboolean        stopped_early;
  SdStage         stopped_after;
  char           *auth_user;       /* who AUTH logged in as, when it succeeded */
  GPtrArray      *hints;           /* (element-type SdHint) most likely cause first: the
                                    * caller's diagnosis (sd_diagnose_report() after the
                                    * session, which never fills it); empty until then */
} SdReport;

SdReport *sd_report_new            (void);
void      sd_report_free           (SdReport       *report);
/* How a successful session ended, in words shared by every output: "The server
 * accepted the message", or "Stopped after AUTH as asked: logged in as alice; no
 * message sent" (transfer full); NULL when the session failed. */
char     *sd_report_describe_outcome (const SdReport *report);
/* With PIPELINING, MAIL, RCPT and DATA leave in one write and their replies come in one
 * round trip: the time lands on whichever reply is read first, so it is one time for
 * the group. Whether @stage was in such a group: */
gboolean  sd_report_stage_pipelined (const SdReport *report,
                                     SdStage         stage);
/* The group's time (µs), -1 without pipelining. */
gint64    sd_report_get_pipelined_us (const SdReport *report);
/* "connect 1.2 ms, ehlo 3.4 ms, mail+rcpt+data 5.6 ms (pipelined)" with @separator
 * between the stages (transfer full). */
char     *sd_report_format_timings (const SdReport *report,
                                    const char     *separator);
/* The capabilities in force: after TLS when there was TLS. */
const SdCapabilities *sd_report_get_capabilities (const SdReport *report);

/* One transcript line: "   12.3 ms  TLS ->  EHLO client" with server text escaped
 * (transfer full). */
char     *sd_event_format_line     (const SdEvent  *event);
/* The transcript and a summary, for a support ticket, with @hints (nullable) after the
 * summary. Secrets were redacted at the source. */
char     *sd_report_to_text        (const SdReport *report,
                                    GPtrArray      *hints);
/* The JSON document of `smtp-doctor-cli send --json`, "hints" from @hints (nullable: an
 * empty array) (transfer full). */
char     *sd_report_to_json        (const SdReport *report,
                                    GPtrArray      *hints);

/* Makes server text safe to show on a terminal or in a widget: invalid UTF-8 as \xNN,
 * C0/C1 controls, DEL and bidi overrides as \xNN / \u{NNNN}. */
char     *sd_text_escape           (const char     *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdReport, sd_report_free)

G_END_DECLS

/* sd-session-private.h: what the session's files share
 *
 * sd-session.c runs the stages in order and owns the GObject; the stages live in
 * sd-session-connect.c (resolve, connect, TLS, greeting, EHLO, STARTTLS),
 * sd-session-auth.c and sd-session-transaction.c; sd-session-io.c sends, reads and
 * records.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-connection.h"
#include "sd-reply.h"
#include "sd-session.h"

G_BEGIN_DECLS

#define SD_DEFAULT_TIMEOUT_S   30
#define SD_MAX_AUTH_STEPS      8
#define SD_MAX_IR_LINE         500   /* longer AUTH lines go without initial response */
#define SD_MAX_SHOWN_BODY      200   /* message lines shown in the transcript */

/* State of one run; lives on the worker's stack. */
typedef struct {
  const SdSettings *settings;
  GCancellable     *cancellable;
  SdReport         *report;
  SdConnection     *conn;
  SdReplyParser    *parser;
  SdEventSink       sink;       /* into report->events, and to the caller's func */
  gint64            stage_t0;
  gboolean          encrypted;
  const SdCapabilities *caps;   /* in force now; owned by the report */
  SdSessionRepeatFunc repeat;   /* NULL: one message */
  gpointer          repeat_data;
  gboolean          keep_open;  /* another transaction may follow: no QUIT yet */
} SdRun;

/* sd-session-io.c */
void _sd_run_emit (SdRun       *run,
                   SdDirection  direction,
                   gboolean     redacted,
                   const char  *text);
void _sd_run_emitf (SdRun       *run,
                    SdDirection  direction,
                    const char  *format,
                    ...) G_GNUC_PRINTF (3, 4);
void _sd_run_enter (SdRun   *run,
                    SdStage  stage);
void _sd_run_close_timing (SdRun *run);
guint _sd_run_timeout_s (SdRun *run);
void _sd_run_set_io_error (GError     **error,
                           GError      *cause,
                           const char  *doing);
void _sd_run_set_reply_error (SdRun          *run,
                              GError        **error,
                              SdSessionError  code,
                              const SdReply  *reply,
                              const char     *what);
gboolean _sd_run_send_group (SdRun        *run,
                             const char  **lines,
                             const char  **shown,
                             GError      **error);
gboolean _sd_run_send (SdRun       *run,
                       const char  *line,
                       GError     **error);
SdReply *_sd_run_read_reply (SdRun       *run,
                             const char  *waiting_for,
                             GError     **error);
void _sd_run_quit_quietly (SdRun *run);

/* sd-session-connect.c */
GList *_sd_run_resolve (SdRun   *run,
                        GError **error);
gboolean _sd_run_connect (SdRun   *run,
                          GList   *addresses,
                          GError **error);
gboolean _sd_run_tls (SdRun   *run,
                      GError **error);
gboolean _sd_run_greeting (SdRun   *run,
                           GError **error);
gboolean _sd_run_ehlo (SdRun   *run,
                       GError **error);
gboolean _sd_run_starttls (SdRun   *run,
                           GError **error);

/* sd-session-auth.c */
gboolean _sd_run_auth (SdRun   *run,
                       GError **error);

/* sd-session-envelope.c */
gboolean _sd_run_envelope_addresses (SdRun     *run,
                                     char     **from,
                                     GStrv     *to,
                                     gboolean  *smtputf8,
                                     GError   **error);
void _sd_run_check_message_size (SdRun  *run,
                                 GBytes *message);
char *_sd_run_dsn_mail_params (SdRun *run);
char *_sd_run_dsn_rcpt_params (SdRun      *run,
                               const char *address);

/* sd-session-repeat.c */
gboolean _sd_run_transactions (SdRun    *run,
                               gboolean *quit_sent,
                               GError  **error);

/* sd-session-transaction.c */
gboolean _sd_run_transaction (SdRun    *run,
                              gboolean *quit_sent,
                              GError  **error);

G_END_DECLS

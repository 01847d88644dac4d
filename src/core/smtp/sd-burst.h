/* sd-burst.h: many messages in a row, to find where a server starts to throttle
 *
 * C workers each hold one connection and send message after message over it, RSET
 * between (as an application sends a batch); a connection the server closes is opened
 * again for the next message. With @reconnect every message has its own connection.
 * The burst stops at nothing: every message is tried, so what the server stored can be
 * counted against what it accepted.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-settings.h"

G_BEGIN_DECLS

#define SD_BURST_MAX_COUNT        10000
#define SD_BURST_MAX_CONNECTIONS  16

typedef struct {
  guint    count;          /* messages, 1..SD_BURST_MAX_COUNT */
  guint    connections;    /* sessions at once, 1..SD_BURST_MAX_CONNECTIONS */
  guint    interval_ms;    /* message k starts no earlier than k * interval; 0: at once */
  gboolean reconnect;      /* a new connection for every message */
} SdBurstSpec;

typedef enum {
  SD_BURST_ACCEPTED,
  SD_BURST_DEFERRED,   /* a throttling reply: 421, 432, 451, 452 or 4.7.x / 4.3.2 */
  SD_BURST_REFUSED,    /* any other refusal by the server */
  SD_BURST_FAILED,     /* no answer to judge: connect, TLS, timeout, cancelled */
} SdBurstOutcome;

typedef struct {
  guint           index;        /* 0-based, in the order the messages started */
  guint           worker;       /* which of the C sessions-at-once ran it */
  SdBurstOutcome  outcome;
  guint           code;         /* the reply that decided; 0 without one */
  char           *reply;        /* its text "451 4.7.0 …", or the error */
  int             exit_code;    /* the session's, as `send` would exit (0: accepted) */
  gint64          start_us;     /* since the burst began */
  gint64          duration_us;
} SdBurstResult;

typedef struct {
  GPtrArray *results;           /* (element-type SdBurstResult) by index */
  guint      accepted, deferred, refused, failed;
  gint       first_refusal;     /* index of the first deferred or refused; -1: none */
  double     rate;              /* accepted per second, up to the first refusal if any */
  gint64     elapsed_us;
} SdBurstReport;

/* Called on a worker thread, under the burst's lock, as each message ends. */
typedef void (*SdBurstFunc) (const SdBurstResult *result,
                             gpointer             user_data);

/* Error domain SD_SESSION_ERROR, INVALID_INPUT, for a count or connections out of
 * range. */
gboolean       sd_burst_spec_validate (const SdBurstSpec  *spec,
                                       GError            **error);
/* Blocks until every message was tried or @cancellable fired. (transfer full) */
SdBurstReport *sd_burst_run           (const SdSettings   *settings,
                                       const SdBurstSpec  *spec,
                                       GCancellable       *cancellable,
                                       SdBurstFunc         func,
                                       gpointer            user_data);
void           sd_burst_report_free   (SdBurstReport      *report);
/* "accepted", "deferred", "refused", "failed" */
const char    *sd_burst_outcome_to_string (SdBurstOutcome outcome);
/* "#12    conn 3  at   40.0 ms     2.3 ms  deferred 451 4.7.0 …", one line without a
 * line end; the server's text escaped (transfer full). */
char          *sd_burst_result_to_line (const SdBurstResult *result);
/* One JSON document: the spec's figures, the counts, the rate, every result
 * (transfer full). */
char          *sd_burst_report_to_json (const SdBurstReport *report,
                                        const SdBurstSpec   *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdBurstReport, sd_burst_report_free)

G_END_DECLS

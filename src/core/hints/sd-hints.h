/* sd-hints.h: the diagnosis engine: a report or pasted text in, ranked hints out
 *
 * The knowledge is data (data/hints/rules.json, compiled into the GResource and
 * checked at build time); this engine only derives facts and scores rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-hint.h"
#include "sd-report.h"

G_BEGIN_DECLS

#define SD_HINTS_ERROR (sd_hints_error_quark ())
GQuark sd_hints_error_quark (void);

typedef enum {
  SD_HINTS_ERROR_INVALID,   /* the knowledge base breaks the schema */
} SdHintsError;

/* Ranked hints for a finished session, most likely cause first (element-type SdHint,
 * transfer full). A failed session always gets at least one hint; a successful one
 * gets only warnings worth knowing (certificate not verified, no encryption, ...).
 * The session does not diagnose: its caller runs this on the report it got, and keeps
 * the result in report->hints when the report is shown or exported. */
GPtrArray  *sd_diagnose_report       (const SdReport *report);

/* The same from free text: our transcript export, swaks or openssl s_client output, an
 * application's log line, an Exchange protocol log excerpt, a bounce. Empty when the
 * text holds nothing that looks like SMTP. */
GPtrArray  *sd_hints_diagnose_text   (const char     *text);

/* {"hints": [...]}, the same shape as "hints" in `send --json` (transfer full). */
char       *sd_hints_to_json         (GPtrArray      *hints);

/* Number of rules in the built-in knowledge base (for tests and --version). */
guint       sd_hints_get_n_rules     (void);

G_END_DECLS

/* sd-hint.h: what went wrong, why, and how to fix it in the admin's product
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_HINT_ERROR,
  SD_HINT_WARNING,
  SD_HINT_INFO,
} SdHintSeverity;

typedef struct {
  char      *product;   /* stable id: "exchange", "exchange-online", "gmail", "postfix",
                         * "kerio", "iis-smtp", "sharepoint", "generic", ... */
  char      *label;     /* shown: "Exchange 2013-2019" */
  GPtrArray *steps;     /* (element-type utf8) */
} SdHintFix;

typedef struct {
  char           *id;        /* stable rule id, e.g. "auth-only-after-starttls" */
  SdHintSeverity  severity;
  char           *title;
  char           *detail;    /* what happened and why */
  GPtrArray      *evidence;  /* (element-type utf8) the lines or facts that triggered it */
  GPtrArray      *fixes;     /* (element-type SdHintFix) */
  double          score;     /* ranking; higher first */
} SdHint;

/* A hint made in code (the server's and the check's findings) (transfer full). */
SdHint     *sd_hint_new               (const char     *id,
                                       SdHintSeverity  severity,
                                       double          score,
                                       const char     *title,
                                       const char     *detail);
/* Appends a fix: the steps follow @label, ending with NULL. */
void        sd_hint_add_fix           (SdHint         *hint,
                                       const char     *product,
                                       const char     *label,
                                       const char     *step,
                                       ...) G_GNUC_NULL_TERMINATED;
void        sd_hint_fix_free          (SdHintFix      *fix);
void        sd_hint_free              (SdHint         *hint);
SdHint     *sd_hint_copy              (const SdHint   *hint);
/* "error", "warning", "info" */
const char *sd_hint_severity_to_string (SdHintSeverity severity);

/* The line before the hints in our text output, in English; it is shown translated
 * (sd_hints_text_header()). Pasted text stops at either, so a transcript exported with
 * its hints is not diagnosed from the hints' own words. */
#define SD_HINTS_TEXT_HEADER "Hints (most likely first):"
/* SD_HINTS_TEXT_HEADER in the user's language. */
const char *sd_hints_text_header (void);

/* The hints as text for a terminal or a ticket (transfer full). */
char       *sd_hints_to_text          (GPtrArray      *hints);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHint, sd_hint_free)

G_END_DECLS

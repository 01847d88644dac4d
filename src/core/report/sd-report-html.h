/* sd-report-html.h: the report as a ticket attachment (text, self-contained HTML, JSON)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-report.h"

G_BEGIN_DECLS

/* Facts about where the report was made, for the export header. */
typedef struct {
  const char *app_version;   /* NULL: PACKAGE_VERSION */
  const char *os;            /* NULL: g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME) */
  GDateTime  *date;          /* NULL: now */
} SdExportInfo;

/* The exports are the whole report as the user saw it, with its diagnosis: the hints
 * are report->hints (sd_diagnose_report()). */

/* A header (app, OS, date), then sd_report_to_text() with the hints (transfer full). */
char *sd_report_export_text (const SdReport     *report,
                             const SdExportInfo *info);
/* One HTML page with its own CSS and no scripts or external resources; every piece of
 * text is escaped, server text also through sd_text_escape() (transfer full). */
char *sd_report_export_html (const SdReport     *report,
                             const SdExportInfo *info);
/* sd_report_to_json() plus an "export" object with the header facts (transfer full). */
char *sd_report_export_json (const SdReport     *report,
                             const SdExportInfo *info);

/* A hint as plain text: title, detail, evidence, fix steps per product (transfer full). */
char *sd_hint_to_text       (const SdHint       *hint);

G_END_DECLS

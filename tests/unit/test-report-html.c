/* test-report-html.c: the exported report escapes whatever the server sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-hints.h"
#include "sd-report-html.h"

static SdReport *
hostile_report (void)
{
  SdReport *report = sd_report_new ();
  SdHint *hint = g_new0 (SdHint, 1);

  report->host = g_strdup ("mail.<b>example</b>.test");
  report->port = 587;
  report->security = g_strdup ("starttls");
  report->banner = g_strdup ("evil <script>alert(1)</script> \x1b[31mred\x1b[0m");
  report->stage = SD_STAGE_AUTH;
  report->error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "refused <img src=x onerror=alert(1)>");
  g_ptr_array_add (report->events, sd_event_new (1000, SD_STAGE_GREETING, SD_DIRECTION_RECEIVED, FALSE,
                                                 "220 <script>alert('x')</script> \x1b[2J\xe2\x80\xae" "txt.exe"));
  g_ptr_array_add (report->events, sd_event_new (2000, SD_STAGE_AUTH, SD_DIRECTION_SENT, TRUE,
                                                 "AUTH PLAIN [user \"alice\", password hidden]"));
  hint->id = g_strdup ("test");
  hint->severity = SD_HINT_ERROR;
  hint->title = g_strdup ("Title & <i>more</i>");
  hint->detail = g_strdup ("Detail \"quoted\"");
  hint->evidence = g_ptr_array_new_with_free_func (g_free);
  hint->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  g_ptr_array_add (report->hints, hint);
  return report;
}

static void
test_html_escapes (void)
{
  g_autoptr(SdReport) report = hostile_report ();
  g_autofree char *html = sd_report_export_html (report, NULL);

  g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
  /* Nothing the server sent becomes markup, runs, or reorders text. */
  g_assert_null (strstr (html, "<script"));
  g_assert_null (strstr (html, "<img"));
  g_assert_null (strstr (html, "<b>example"));
  g_assert_null (strstr (html, "<i>more"));
  g_assert_null (strstr (html, "\x1b"));
  g_assert_null (strstr (html, "\xe2\x80\xae"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  g_assert_nonnull (strstr (html, "\\x1B[31mred"));
  g_assert_nonnull (strstr (html, "\\u{202E}txt.exe"));
  g_assert_nonnull (strstr (html, "Title &amp; &lt;i&gt;more&lt;/i&gt;"));
  /* Self-contained: no external resources. */
  g_assert_null (strstr (html, "<link"));
  g_assert_null (strstr (html, "url("));
  g_assert_null (strstr (html, "href="));
  g_assert_nonnull (strstr (html, "<style>"));
  g_assert_nonnull (strstr (html, "password hidden"));
}

static void
test_text_and_json_header (void)
{
  g_autoptr(SdReport) report = hostile_report ();
  g_autoptr(GDateTime) date = g_date_time_new_utc (2025, 3, 4, 5, 6, 7);
  SdExportInfo info = { "9.9", "TestOS 1", date };
  g_autofree char *text = sd_report_export_text (report, &info);
  g_autofree char *json = sd_report_export_json (report, &info);

  g_assert_true (g_str_has_prefix (text, "SMTP Doctor 9.9 on TestOS 1, 2025-03-04 05:06:07 +0000\n"));
  g_assert_nonnull (strstr (text, "Title & <i>more</i>"));
  /* Once: the header does not repeat what the report's text already holds. */
  g_assert_null (strstr (strstr (text, "Title & <i>more</i>") + 1, "Title & <i>more</i>"));
  g_assert_null (strstr (text, "\x1b"));
  g_assert_nonnull (strstr (json, "\"export\""));
  g_assert_nonnull (strstr (json, "\"os\": \"TestOS 1\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/report-html/escapes", test_html_escapes);
  g_test_add_func ("/core/report-html/header", test_text_and_json_header);
  return g_test_run ();
}

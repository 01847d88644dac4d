/* test-message-features.c: what a message carries, through our client to the built-in
 * server: attachments (read back by Python's email package when it is there), the size
 * against SIZE, DSN parameters, SMTPUTF8 and IDN A-labels, bursts against a rate limit
 *
 * Everything talks to 127.0.0.1 only, on ephemeral ports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sd-burst.h"
#include "sd-server.h"
#include "sd-session.h"

static SdServer *
start_server_full (guint64  max_size,
                   gboolean dsn,
                   gboolean smtputf8,
                   guint    rate_limit)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autoptr(GError) error = NULL;
  SdServer *server;

  config->starttls = FALSE;   /* TLS is tested elsewhere; here only the message counts */
  config->cert_dir = g_dir_make_tmp ("sd-features-XXXXXX", NULL);
  config->max_size = max_size;
  config->dsn = dsn;
  config->smtputf8 = smtputf8;
  /* An hour's window: however slow the machine, the limit is what refuses. */
  config->rate_limit = rate_limit;
  config->rate_window_s = 3600;
  config->idle_timeout_s = 30;
  server = sd_server_new (config);
  g_assert_true (sd_server_start (server, &error));
  g_assert_no_error (error);
  return server;
}

static SdServer *
start_server (guint64  max_size,
              gboolean dsn,
              gboolean smtputf8)
{
  return start_server_full (max_size, dsn, smtputf8, 0);
}

static void
stop_server (SdServer *server)
{
  sd_server_stop (server);
  g_object_unref (server);
}

static SdSettings *
settings_for (SdServer   *server,
              const char *from,
              const char *to)
{
  SdSettings *settings = sd_settings_new ();
  const char *rcpt[] = { to, NULL };

  settings->host = g_strdup ("127.0.0.1");
  settings->port = sd_server_get_port (server);
  settings->security = SD_SECURITY_NONE;
  g_free (settings->auth);
  settings->auth = g_strdup ("none");
  settings->from = g_strdup (from);
  settings->to = g_strdupv ((char **) rcpt);
  settings->timeout_s = 30;
  return settings;
}

static SdReport *
run (const SdSettings *settings)
{
  g_autoptr(SdSession) session = sd_session_new (settings);

  return sd_session_run (session, NULL, NULL, NULL);
}

/* The one message the server kept (transfer full). */
static SdServerMessage *
only_message (SdServer *server)
{
  g_autoptr(GPtrArray) messages = sd_server_get_messages (server);

  g_assert_cmpuint (messages->len, ==, 1);
  return sd_server_message_copy (messages->pdata[0]);
}

static gboolean
report_says (const SdReport *report,
             SdDirection     direction,
             const char     *text)
{
  for (guint i = 0; i < report->events->len; i++)
    {
      const SdEvent *event = report->events->pdata[i];
      if (event->direction == direction && strstr (event->text, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* --- attachments ---------------------------------------------------------------------- */

/* Each part as "type|filename|sha256" per line, from Python's email package. */
static const char python_parts[] =
  "import sys, hashlib, email, email.policy\n"
  "m = email.message_from_binary_file(sys.stdin.buffer, policy=email.policy.default)\n"
  "assert not m.defects, m.defects\n"
  "for p in m.walk():\n"
  "    assert not p.defects, p.defects\n"
  "    if p.is_multipart():\n"
  "        print(p.get_content_type()); continue\n"
  "    data = p.get_payload(decode=True)\n"
  "    print('%s|%s|%s' % (p.get_content_type(), p.get_filename() or '',\n"
  "                        hashlib.sha256(data).hexdigest()))\n";

static char *
python_read_parts (GBytes *message)
{
  g_autoptr(GSubprocess) python = NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const char *data;

  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                             &error, "python3", "-c", python_parts, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate (python, message, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (python));
  data = g_bytes_get_data (out, &len);
  return g_strndup (data, len);
}

static char *
part_line (const SdAttachment *attachment)
{
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, attachment->data);

  return g_strdup_printf ("%s|%s|%s\n", attachment->content_type, attachment->filename, sum);
}

static void
test_attachments (void)
{
  SdServer *server = start_server (40 * 1024 * 1024, FALSE, FALSE);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@example.test", "bob@example.test");
  g_autoptr(SdAttachment) bytes = NULL;
  g_autoptr(SdAttachment) big = sd_attachment_new_generated (25 * 1024 * 1024);
  g_autoptr(GBytes) all = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(SdServerMessage) message = NULL;
  g_autofree char *parts = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  g_autofree char *python = NULL;
  guchar values[256];

  for (guint i = 0; i < 256; i++)
    values[i] = i;
  all = g_bytes_new (values, sizeof values);
  bytes = sd_attachment_new ("Grüße – Prüfbericht.pdf", NULL, all);
  g_assert_cmpstr (bytes->content_type, ==, "application/pdf");
  sd_settings_add_attachment (settings, bytes);
  sd_settings_add_attachment (settings, big);
  settings->html = g_strdup ("<p>Hallo</p>\n");

  report = run (settings);
  g_assert_no_error (report->error);
  g_assert_true (report->ok);
  g_assert_true (report_says (report, SD_DIRECTION_INFO, "2 attachments"));
  message = only_message (server);
  /* RFC 2231 on the wire: the umlauts percent-encoded in UTF-8. */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (message->data, NULL),
                                  g_bytes_get_size (message->data),
                                  "filename*0*=utf-8''Gr%C3%BC%C3%9Fe"));

  python = g_find_program_in_path ("python3");
  if (python == NULL)
    {
      stop_server (server);
      g_test_skip ("python3 is not installed: the structure is not read back");
      return;
    }
  parts = python_read_parts (message->data);
  line1 = part_line (bytes);
  line2 = part_line (big);
  expected = g_strconcat ("multipart/mixed\nmultipart/alternative\n",
                          "text/plain||", NULL);
  g_assert_true (g_str_has_prefix (parts, expected));
  g_assert_nonnull (strstr (parts, "\ntext/html||"));
  g_assert_true (g_str_has_suffix (parts, line2));
  g_assert_nonnull (strstr (parts, line1));
  stop_server (server);
}

static void
test_size_warning (void)
{
  SdServer *server = start_server (100 * 1024, FALSE, FALSE);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@example.test", "bob@example.test");
  g_autoptr(SdAttachment) filler = sd_attachment_new_generated (1024 * 1024);
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  sd_settings_add_attachment (settings, filler);
  report = run (settings);
  g_assert_false (report->ok);
  g_assert_true (report_says (report, SD_DIRECTION_WARNING, "larger than the server's limit"));
  g_assert_cmpuint (report->reply->code, ==, 552);
  g_assert_cmpint (report->stage, ==, SD_STAGE_MAIL);
  messages = sd_server_get_messages (server);
  g_assert_cmpuint (messages->len, ==, 0);
  stop_server (server);
}

/* --- DSN ------------------------------------------------------------------------------ */

/* A message with every DSN parameter, to a server that does or does not offer DSN. */
static SdReport *
run_with_dsn (gboolean          offered,
              SdServerMessage **message)
{
  SdServer *server = start_server (0, offered, FALSE);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@example.test", "bob@example.test");
  SdReport *report;

  settings->dsn_notify = g_strdup ("success, failure");
  settings->dsn_ret = g_strdup ("hdrs");
  settings->dsn_envid = g_strdup ("batch 7+1");
  report = run (settings);
  g_assert_no_error (report->error);
  *message = only_message (server);
  stop_server (server);
  return report;
}

static void
test_dsn (void)
{
  g_autoptr(SdServerMessage) message = NULL;
  g_autoptr(SdReport) report = run_with_dsn (TRUE, &message);
  g_autofree char *mail = g_strdup_printf ("SIZE=%" G_GSIZE_FORMAT " RET=HDRS ENVID=batch+207+2B1",
                                           g_bytes_get_size (message->data));

  g_assert_cmpstr (message->mail_params, ==, mail);
  g_assert_cmpuint (g_strv_length (message->rcpt_params), ==, 1);
  g_assert_cmpstr (message->rcpt_params[0], ==,
                   "NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.test");
  g_assert_false (report_says (report, SD_DIRECTION_WARNING, "DSN"));
}

static void
test_dsn_not_offered (void)
{
  g_autoptr(SdServerMessage) message = NULL;
  g_autoptr(SdReport) report = run_with_dsn (FALSE, &message);
  g_autofree char *mail = g_strdup_printf ("SIZE=%" G_GSIZE_FORMAT,
                                           g_bytes_get_size (message->data));

  g_assert_true (report_says (report, SD_DIRECTION_WARNING, "does not offer DSN"));
  g_assert_cmpstr (message->mail_params, ==, mail);
  g_assert_cmpstr (message->rcpt_params[0], ==, "");
}

/* --- SMTPUTF8 and A-labels ------------------------------------------------------------ */

static void
test_smtputf8_offered (void)
{
  SdServer *server = start_server (0, FALSE, TRUE);
  g_autoptr(SdSettings) settings = settings_for (server, "jörg@exämple.test", "bob@bücher.test");
  g_autoptr(SdReport) report = run (settings);
  g_autoptr(SdServerMessage) message = NULL;

  g_assert_no_error (report->error);
  message = only_message (server);
  g_assert_cmpstr (message->mail_from, ==, "jörg@exämple.test");
  g_assert_cmpstr (message->rcpt_to[0], ==, "bob@bücher.test");
  g_assert_nonnull (strstr (message->mail_params, "SMTPUTF8"));
  stop_server (server);
}

static void
test_smtputf8_a_labels (void)
{
  SdServer *server = start_server (0, FALSE, FALSE);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@exämple.test", "bob@bücher.test");
  g_autoptr(SdReport) report = run (settings);
  g_autoptr(SdServerMessage) message = NULL;
  gsize len;
  const char *data;

  g_assert_no_error (report->error);
  message = only_message (server);
  g_assert_cmpstr (message->mail_from, ==, "alice@xn--exmple-cua.test");
  g_assert_cmpstr (message->rcpt_to[0], ==, "bob@xn--bcher-kva.test");
  g_assert_null (strstr (message->mail_params, "SMTPUTF8"));
  /* The headers say what the envelope says: no raw UTF-8 without SMTPUTF8. */
  data = g_bytes_get_data (message->data, &len);
  g_assert_nonnull (g_strstr_len (data, len, "To: bob@xn--bcher-kva.test\r\n"));
  g_assert_true (report_says (report, SD_DIRECTION_INFO, "is sent as bob@xn--bcher-kva.test"));
  stop_server (server);
}

static void
test_smtputf8_impossible (void)
{
  SdServer *server = start_server (0, FALSE, FALSE);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@example.test", "jörg@bücher.test");
  g_autoptr(SdReport) report = run (settings);
  g_autoptr(GPtrArray) messages = sd_server_get_messages (server);

  g_assert_false (report->ok);
  g_assert_error (report->error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (report->error->message, "SMTPUTF8"));
  g_assert_false (report_says (report, SD_DIRECTION_SENT, "MAIL FROM"));
  g_assert_cmpuint (messages->len, ==, 0);
  stop_server (server);
}

/* --- bursts against a rate limit ------------------------------------------------------ */

#define RATE_LIMIT 10
#define BURST      25

static void
on_burst_result (const SdBurstResult *result,
                 gpointer             user_data)
{
  guint *seen = user_data;

  (*seen)++;
}

/* Distinct Message-IDs among what the server stored: a duplicate would show as fewer. */
static guint
distinct_message_ids (GPtrArray *messages)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GRegex) re = g_regex_new ("^Message-ID: (\\S+)\r$", G_REGEX_MULTILINE, 0, NULL);

  for (guint i = 0; i < messages->len; i++)
    {
      SdServerMessage *message = messages->pdata[i];
      g_autofree char *text = g_strndup (g_bytes_get_data (message->data, NULL),
                                         g_bytes_get_size (message->data));
      g_autoptr(GMatchInfo) match = NULL;

      g_assert_true (g_regex_match (re, text, 0, &match));
      g_hash_table_add (ids, g_match_info_fetch (match, 1));
    }
  return g_hash_table_size (ids);
}

static void
check_burst (guint    connections,
             gboolean reconnect)
{
  SdServer *server = start_server_full (0, FALSE, FALSE, RATE_LIMIT);
  g_autoptr(SdSettings) settings = settings_for (server, "alice@example.test", "bob@example.test");
  SdBurstSpec spec = { BURST, connections, 0, reconnect };
  g_autoptr(SdBurstReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  guint seen = 0;

  report = sd_burst_run (settings, &spec, NULL, on_burst_result, &seen);
  g_assert_cmpuint (seen, ==, BURST);
  g_assert_cmpuint (report->accepted, ==, RATE_LIMIT);
  g_assert_cmpuint (report->deferred, ==, BURST - RATE_LIMIT);
  g_assert_cmpuint (report->refused + report->failed, ==, 0);
  /* One at a time, the limit's own message is the first deferred; side by side, the
   * order of arrival can differ from the order of start, but never by more. */
  if (connections == 1)
    g_assert_cmpint (report->first_refusal, ==, RATE_LIMIT);
  else
    g_assert_cmpint (report->first_refusal, <=, RATE_LIMIT);
  for (guint i = 0; i < BURST; i++)
    {
      const SdBurstResult *result = report->results->pdata[i];

      g_assert_nonnull (result);
      g_assert_cmpuint (result->index, ==, i);
      g_assert_cmpuint (result->worker, <, connections);
      g_assert_cmpuint (result->code, ==, result->outcome == SD_BURST_ACCEPTED ? 250 : 451);
    }
  /* One connection per worker, RSET between messages (a 451 leaves it open); or one
   * per message. */
  if (reconnect)
    g_assert_cmpuint (sd_server_get_n_sessions (server), ==, BURST);
  else if (connections == 1)
    g_assert_cmpuint (sd_server_get_n_sessions (server), ==, 1);
  else
    g_assert_cmpuint (sd_server_get_n_sessions (server), <=, connections);
  /* Nothing lost, nothing twice. */
  messages = sd_server_get_messages (server);
  g_assert_cmpuint (messages->len, ==, RATE_LIMIT);
  g_assert_cmpuint (distinct_message_ids (messages), ==, RATE_LIMIT);
  stop_server (server);
}

static void test_burst_one (void)       { check_burst (1, FALSE); }
static void test_burst_four (void)      { check_burst (4, FALSE); }
static void test_burst_reconnect (void) { check_burst (4, TRUE); }

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/features/attachments", test_attachments);
  g_test_add_func ("/features/size-warning", test_size_warning);
  g_test_add_func ("/features/dsn", test_dsn);
  g_test_add_func ("/features/dsn-not-offered", test_dsn_not_offered);
  g_test_add_func ("/features/smtputf8/offered", test_smtputf8_offered);
  g_test_add_func ("/features/smtputf8/a-labels", test_smtputf8_a_labels);
  g_test_add_func ("/features/smtputf8/impossible", test_smtputf8_impossible);
  g_test_add_func ("/features/burst/one-connection", test_burst_one);
  g_test_add_func ("/features/burst/four-connections", test_burst_four);
  g_test_add_func ("/features/burst/reconnect", test_burst_reconnect);

  return g_test_run ();
}

/* test-server-engine.c: the built-in server, against our own client and raw sockets
 *
 * Everything talks to 127.0.0.1 only, on ephemeral ports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "sd-message.h"
#include "sd-server.h"
#include "sd-session.h"
#include "sd-test-certs.h"
#include "sd-test-raw.h"

#define PASSWORD "s3cret-Pa55"

/* --- what the server reported, collected from its signals ---------------------------- */

typedef struct {
  guint     id;
  char     *end_reason;
  char     *auth_user;
  gboolean  authenticated;
  gboolean  auth_before_tls;
  GStrv     hints;       /* ids */
  GString  *transcript;  /* every event, one per line */
} Finished;

static void
finished_free (Finished *f)
{
  g_free (f->end_reason);
  g_free (f->auth_user);
  g_strfreev (f->hints);
  g_string_free (f->transcript, TRUE);
  g_free (f);
}

typedef struct {
  SdServer  *server;
  GPtrArray *finished;   /* (element-type Finished) */
  GHashTable *live;      /* id -> GString of streamed events */
  guint      n_started;
  guint      n_messages;
} Fixture;

static void
on_started (SdServer   *server,
            guint       id,
            const char *peer,
            Fixture    *fx)
{
  g_assert_true (g_str_has_prefix (peer, "127.0.0.1:"));
  g_hash_table_insert (fx->live, GUINT_TO_POINTER (id), g_string_new (NULL));
  fx->n_started++;
}

static void
on_events (SdServer  *server,
           guint      id,
           GPtrArray *events,
           Fixture   *fx)
{
  GString *live = g_hash_table_lookup (fx->live, GUINT_TO_POINTER (id));

  g_assert_nonnull (live);   /* "session-started" came first */
  for (guint i = 0; i < events->len; i++)
    {
      const SdEvent *event = events->pdata[i];
      g_string_append_printf (live, "%s %s\n", sd_direction_to_arrow (event->direction), event->text);
    }
}

static void
on_message (SdServer        *server,
            guint            id,
            SdServerMessage *message,
            Fixture         *fx)
{
  fx->n_messages++;
}

static void
on_finished (SdServer        *server,
             guint            id,
             SdServerSession *session,
             Fixture         *fx)
{
  Finished *f = g_new0 (Finished, 1);
  GString *live = g_hash_table_lookup (fx->live, GUINT_TO_POINTER (id));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  f->id = id;
  f->end_reason = g_strdup (session->end_reason);
  f->auth_user = g_strdup (session->auth_user);
  f->authenticated = session->authenticated;
  f->auth_before_tls = session->auth_before_tls;
  for (guint i = 0; i < session->hints->len; i++)
    g_strv_builder_add (builder, ((SdHint *) session->hints->pdata[i])->id);
  f->hints = g_strv_builder_end (builder);
  f->transcript = g_string_new (NULL);
  for (guint i = 0; i < session->events->len; i++)
    {
      const SdEvent *event = session->events->pdata[i];
      g_string_append_printf (f->transcript, "%s %s\n", sd_direction_to_arrow (event->direction),
                              event->text);
    }
  /* The streamed events and the final record agree. */
  g_assert_nonnull (live);
  g_assert_cmpstr (live->str, ==, f->transcript->str);
  g_ptr_array_add (fx->finished, f);
}

static void
live_free (gpointer data)
{
  g_string_free (data, TRUE);
}

static SdServerConfig *
base_config (void)
{
  SdServerConfig *config = sd_server_config_new ();
  const SdTestCerts *certs = sd_test_certs_get ();

  config->cert_pem = g_strdup (certs->valid.cert_pem);
  config->key_pem = g_strdup (certs->valid.key_pem);
  config->idle_timeout_s = 10;
  sd_server_config_add_account (config, "alice", PASSWORD);
  return config;
}

static void
fixture_start (Fixture        *fx,
               SdServerConfig *config)
{
  g_autoptr(GError) error = NULL;

  fx->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) finished_free);
  fx->live = g_hash_table_new_full (NULL, NULL, NULL, live_free);
  fx->server = sd_server_new (config);
  g_signal_connect (fx->server, "session-started", G_CALLBACK (on_started), fx);
  g_signal_connect (fx->server, "session-events", G_CALLBACK (on_events), fx);
  g_signal_connect (fx->server, "message-received", G_CALLBACK (on_message), fx);
  g_signal_connect (fx->server, "session-finished", G_CALLBACK (on_finished), fx);
  g_assert_true (sd_server_start (fx->server, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sd_server_get_port (fx->server), >, 0);
}

static void
fixture_wait (Fixture *fx,
              guint    n)
{
  sd_test_wait_len (fx->finished, n);
}

static void
fixture_stop (Fixture *fx)
{
  sd_server_stop (fx->server);
  g_clear_object (&fx->server);
  g_clear_pointer (&fx->finished, g_ptr_array_unref);
  g_clear_pointer (&fx->live, g_hash_table_unref);
}

static Finished *
last_finished (Fixture *fx)
{
  g_assert_cmpuint (fx->finished->len, >, 0);
  return fx->finished->pdata[fx->finished->len - 1];
}

static gboolean
has_hint (Finished   *f,
          const char *id)
{
  return g_strv_contains ((const char * const *) f->hints, id);
}

/* --- the client --------------------------------------------------------------------- */

static SdSettings *
client_settings (SdServer   *server,
                 SdSecurity  security,
                 const char *auth)
{
  SdSettings *settings = sd_settings_new ();
  const char *to[] = { "bob@example.test", NULL };

  settings->host = g_strdup ("127.0.0.1");
  settings->security = security;
  settings->port = security == SD_SECURITY_TLS ? sd_server_get_tls_port (server)
                                               : sd_server_get_port (server);
  settings->tls_verify = SD_TLS_PIN;
  settings->tls_pin = g_strdup (sd_server_get_cert_sha256 (server));
  g_free (settings->auth);
  settings->auth = g_strdup (auth);
  if (g_strcmp0 (auth, "none") != 0)
    {
      settings->user = g_strdup ("alice");
      settings->password = g_strdup (PASSWORD);
    }
  settings->allow_plaintext_auth = security == SD_SECURITY_NONE;
  settings->from = g_strdup ("alice@example.test");
  settings->to = g_strdupv ((char **) to);
  g_free (settings->subject);
  settings->subject = g_strdup ("Test");
  g_free (settings->body);
  settings->body = g_strdup ("Hello from the test.\n.leading dot\n");
  settings->timeout_s = 10;
  return settings;
}

static SdReport *
run_client (const SdSettings *settings)
{
  g_autoptr(SdSession) session = sd_session_new (settings);
  return sd_session_run (session, NULL, NULL, NULL);
}

static void
assert_reply (const SdReport *report,
              guint           code,
              const char     *enhanced)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (report->reply);
  text = sd_reply_dup_text (report->reply);
  g_assert_cmpuint (report->reply->code, ==, code);
  g_assert_true (g_str_has_prefix (text, enhanced));
}

/* --- security modes and mechanisms --------------------------------------------------- */

static void
check_mode (SdSecurity  security,
            const char *auth,
            gboolean    expect_tls)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  SdServerMessage *message;

  config->implicit_tls = TRUE;
  fixture_start (&fx, config);
  settings = client_settings (fx.server, security, auth);
  report = run_client (settings);
  if (!report->ok)
    g_error ("client failed: %s\n%s", report->error->message, sd_report_to_text (report, NULL));
  g_assert_cmpint (report->tls != NULL, ==, expect_tls);

  fixture_wait (&fx, 1);
  messages = sd_server_get_messages (fx.server);
  g_assert_cmpuint (messages->len, ==, 1);
  message = messages->pdata[0];
  g_assert_cmpstr (message->mail_from, ==, "alice@example.test");
  g_assert_cmpstr (message->rcpt_to[0], ==, "bob@example.test");
  g_assert_cmpint (message->tls, ==, expect_tls);
  if (g_strcmp0 (auth, "none") != 0)
    {
      g_assert_cmpstr (message->auth_user, ==, "alice");
      g_assert_true (last_finished (&fx)->authenticated);
    }
  /* The password appears nowhere in the server's transcript. */
  g_assert_null (strstr (last_finished (&fx)->transcript->str, PASSWORD));
  g_assert_cmpstr (last_finished (&fx)->end_reason, ==, "quit");
  g_assert_cmpuint (fx.n_messages, ==, 1);
  fixture_stop (&fx);
}

static void test_mode_none (void)              { check_mode (SD_SECURITY_NONE, "none", FALSE); }
static void test_mode_none_auth (void)         { check_mode (SD_SECURITY_NONE, "plain", FALSE); }
static void test_mode_starttls (void)          { check_mode (SD_SECURITY_STARTTLS, "auto", TRUE); }
static void test_mode_starttls_optional (void) { check_mode (SD_SECURITY_STARTTLS_OPTIONAL, "auto", TRUE); }
static void test_mode_tls (void)               { check_mode (SD_SECURITY_TLS, "auto", TRUE); }
static void test_auth_plain (void)             { check_mode (SD_SECURITY_STARTTLS, "plain", TRUE); }
static void test_auth_login (void)             { check_mode (SD_SECURITY_STARTTLS, "login", TRUE); }
static void test_auth_cram_md5 (void)          { check_mode (SD_SECURITY_STARTTLS, "cram-md5", TRUE); }

static void
check_bad_password (const char *auth)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;

  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, auth);
  g_free (settings->password);
  settings->password = g_strdup ("wrong-password");
  report = run_client (settings);
  g_assert_false (report->ok);
  g_assert_error (report->error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH);
  assert_reply (report, 535, "5.7.8");
  fixture_wait (&fx, 1);
  g_assert_true (has_hint (last_finished (&fx), "client-auth-failed"));
  g_assert_null (strstr (last_finished (&fx)->transcript->str, "wrong-password"));
  fixture_stop (&fx);
}

static void test_auth_bad_plain (void)    { check_bad_password ("plain"); }
static void test_auth_bad_login (void)    { check_bad_password ("login"); }
static void test_auth_bad_cram_md5 (void) { check_bad_password ("cram-md5"); }

static void
test_auth_accept_any (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  Finished *f;

  config->accept_any_auth = TRUE;
  g_ptr_array_set_size (config->accounts, 0);
  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "login");
  g_free (settings->user);
  settings->user = g_strdup ("mallory@example.test");
  report = run_client (settings);
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  f = last_finished (&fx);
  g_assert_cmpstr (f->auth_user, ==, "mallory@example.test");
  g_assert_nonnull (strstr (f->transcript->str, "a password was given"));
  g_assert_null (strstr (f->transcript->str, PASSWORD));
  fixture_stop (&fx);
}

/* --- policies --------------------------------------------------------------------------- */

static void
test_policy_require_auth (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;

  config->require_auth = TRUE;
  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "none");
  report = run_client (settings);
  g_assert_false (report->ok);
  g_assert_error (report->error, SD_SESSION_ERROR, SD_SESSION_ERROR_REJECTED);
  assert_reply (report, 530, "5.7.0");
  fixture_wait (&fx, 1);
  g_assert_true (has_hint (last_finished (&fx), "client-no-auth"));
  fixture_stop (&fx);
}

static void
test_policy_require_tls_for_auth (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  g_autofree char *ehlo = NULL;
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;

  config->require_tls_for_auth = TRUE;
  fixture_start (&fx, config);

  /* Like Exchange: no AUTH offered in clear, and AUTH tried anyway gets 504 5.7.4. */
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  raw_send_str (raw, "EHLO raw.test\r\n");
  ehlo = raw_reply (raw);
  g_assert_nonnull (strstr (ehlo, "STARTTLS"));
  g_assert_null (strstr (ehlo, "AUTH"));
  raw_send_str (raw, "AUTH PLAIN AGFsaWNlAHg=\r\n");
  raw_expect (raw, "504 5.7.4 ");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  g_assert_true (has_hint (last_finished (&fx), "client-auth-before-starttls"));
  g_assert_true (has_hint (last_finished (&fx), "client-auth-needs-tls"));
  g_assert_true (last_finished (&fx)->auth_before_tls);
  g_assert_null (strstr (last_finished (&fx)->transcript->str, "AGFsaWNlAHg="));

  /* With STARTTLS it works. */
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "login");
  report = run_client (settings);
  g_assert_true (report->ok);
  fixture_stop (&fx);
}

static void
test_policy_relay (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) refused = NULL;
  g_autoptr(SdReport) allowed = NULL;
  g_autoptr(SdReport) local = NULL;

  sd_server_config_add_relay_domain (config, "Example.TEST");
  fixture_start (&fx, config);

  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "none");
  g_strfreev (settings->to);
  settings->to = g_strsplit ("carol@elsewhere.test", ",", -1);
  refused = run_client (settings);
  g_assert_false (refused->ok);
  g_assert_error (refused->error, SD_SESSION_ERROR, SD_SESSION_ERROR_REJECTED);
  assert_reply (refused, 550, "5.7.54");

  /* Authenticated clients may relay, as on real servers. */
  g_free (settings->auth);
  settings->auth = g_strdup ("plain");
  settings->user = g_strdup ("alice");
  settings->password = g_strdup (PASSWORD);
  allowed = run_client (settings);
  g_assert_true (allowed->ok);

  /* A local domain needs no AUTH. */
  g_free (settings->auth);
  settings->auth = g_strdup ("none");
  g_strfreev (settings->to);
  settings->to = g_strsplit ("bob@example.test", ",", -1);
  local = run_client (settings);
  g_assert_true (local->ok);

  fixture_wait (&fx, 3);
  g_assert_true (has_hint (fx.finished->pdata[0], "client-relay-refused"));
  fixture_stop (&fx);
}

static void
test_policy_greylist (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) first = NULL;
  g_autoptr(SdReport) second = NULL;

  config->greylist = TRUE;
  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  first = run_client (settings);
  g_assert_false (first->ok);
  assert_reply (first, 451, "4.7.1");
  second = run_client (settings);
  g_assert_true (second->ok);
  fixture_wait (&fx, 2);
  g_assert_true (has_hint (fx.finished->pdata[0], "client-greylisted"));
  fixture_stop (&fx);
}

static void
test_policy_max_size (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GPtrArray) messages = NULL;

  config->max_size = 1000;
  fixture_start (&fx, config);

  /* Our client declares SIZE=: refused at MAIL. */
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  g_free (settings->body);
  settings->body = g_strnfill (2000, 'x');
  report = run_client (settings);
  g_assert_false (report->ok);
  assert_reply (report, 552, "5.3.4");

  /* A client that does not: the data is read to its end, dropped, and refused; the
   * session goes on. */
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  raw_send_str (raw, "EHLO raw.test\r\n");
  raw_expect (raw, "250");
  raw_send_str (raw, "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
  raw_expect (raw, "250 2.1.0");
  raw_expect (raw, "250 2.1.5");
  raw_expect (raw, "354 ");
  for (guint i = 0; i < 100; i++)
    g_string_append (big, "0123456789012345678901234567890123456789\r\n");
  g_string_append (big, ".\r\n");
  raw_send (raw, big->str, big->len);
  raw_expect (raw, "552 5.3.4 ");
  raw_send_str (raw, "NOOP\r\nQUIT\r\n");
  raw_expect (raw, "250 ");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 2);
  g_assert_true (has_hint (last_finished (&fx), "client-message-too-big"));
  messages = sd_server_get_messages (fx.server);
  g_assert_cmpuint (messages->len, ==, 0);
  fixture_stop (&fx);
}

/* --- protocol ------------------------------------------------------------------------- */

static void
test_pipelining (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(Raw) raw = NULL;
  g_autofree char *replies = NULL;

  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  report = run_client (settings);
  g_assert_true (report->ok);
  g_assert_true (report->pipelining_used);

  /* A whole transaction in one write: every reply comes, in order. */
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  raw_send_str (raw, "EHLO raw.test\r\nMAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\n"
                     "RCPT TO:<c@example.test>\r\nDATA\r\n");
  replies = raw_reply (raw);
  g_assert_nonnull (strstr (replies, "250-PIPELINING"));
  raw_expect (raw, "250 2.1.0");
  raw_expect (raw, "250 2.1.5");
  raw_expect (raw, "250 2.1.5");
  raw_expect (raw, "354 ");
  raw_send_str (raw, "Subject: x\r\n\r\nbody\r\n.\r\nRSET\r\nVRFY bob\r\nHELP\r\nFOO\r\nQUIT\r\n");
  raw_expect (raw, "250 2.0.0 Ok: queued");
  raw_expect (raw, "250 2.0.0");
  raw_expect (raw, "252 ");
  raw_expect (raw, "214-");
  raw_expect (raw, "500 5.5.2");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 2);
  fixture_stop (&fx);
}

static void
test_dot_unstuffing (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  static const char eml[] =
    "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: dots\r\n\r\n"
    ".\r\n..\r\n...three\r\n. \r\n.\r\r\nmid.line.\r\n\x80\xff 8-bit\r\n\r\n.";
  g_autoptr(GBytes) sent = g_bytes_new_static (eml, sizeof eml - 1);
  g_autoptr(GBytes) normal = sd_message_normalize_crlf (sent);

  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  settings->eml = g_bytes_ref (normal);
  report = run_client (settings);
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  messages = sd_server_get_messages (fx.server);
  g_assert_cmpuint (messages->len, ==, 1);
  /* Byte for byte what the client meant to send, before its dot-stuffing. */
  g_assert_true (g_bytes_equal (((SdServerMessage *) messages->pdata[0])->data, normal));
  fixture_stop (&fx);
}

static void
test_raw_data_edges (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  static const char expected[] = "a\nb\r\n.x\r\n\xc3\xa9\r\n";
  Finished *f;

  fixture_start (&fx, config);
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  raw_send_str (raw, "HELO raw.test\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "MAIL FROM:<>\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "RCPT TO:<postmaster>\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "DATA\r\n");
  raw_expect (raw, "354 ");
  /* A bare LF, a stuffed dot, 8-bit without BODY=8BITMIME; "\n.\n" does not end it. */
  raw_send_str (raw, "a\nb\r\n..x\r\n\xc3\xa9\r\n.\r\n");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  messages = sd_server_get_messages (fx.server);
  g_assert_cmpuint (messages->len, ==, 1);
  {
    gsize len = 0;
    const char *data = g_bytes_get_data (((SdServerMessage *) messages->pdata[0])->data, &len);
    g_assert_cmpmem (data, len, expected, sizeof expected - 1);
  }
  g_assert_cmpstr (((SdServerMessage *) messages->pdata[0])->mail_from, ==, "");
  f = last_finished (&fx);
  g_assert_true (has_hint (f, "client-bare-lf"));
  g_assert_true (has_hint (f, "client-8bit-undeclared"));
  g_assert_true (has_hint (f, "client-helo"));
  fixture_stop (&fx);
}

static void
test_maildir (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-maildir-XXXXXX", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  SdServerMessage *message;
  GStatBuf st;

  config->maildir = g_build_filename (dir, "mail", NULL);
  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  report = run_client (settings);
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  messages = sd_server_get_messages (fx.server);
  message = messages->pdata[0];
  g_assert_nonnull (message->path);
  g_assert_true (g_str_has_suffix (message->path, ".eml"));
  g_assert_true (g_file_get_contents (message->path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, g_bytes_get_data (message->data, NULL),
                   g_bytes_get_size (message->data));
#ifdef G_OS_UNIX
  g_assert_cmpint (g_stat (message->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
#endif
  g_unlink (message->path);
  g_rmdir (config->maildir);
  g_rmdir (dir);
  fixture_stop (&fx);
}

static void
test_generated_certificate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-cert-XXXXXX", NULL);
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autofree char *key_path = g_build_filename (dir, "server-key.pem", NULL);
  g_autofree char *first_sha = NULL;
  g_autoptr(GError) error = NULL;
  Fixture fx = { 0 };

  config->cert_dir = g_strdup (dir);
  sd_server_config_add_account (config, "alice", PASSWORD);
  fixture_start (&fx, config);
  g_assert_nonnull (sd_server_get_cert_path (fx.server));
  g_assert_true (g_file_test (key_path, G_FILE_TEST_EXISTS));
#ifdef G_OS_UNIX
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (key_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
#endif
  first_sha = g_strdup (sd_server_get_cert_sha256 (fx.server));
  {
    g_autoptr(SdSettings) settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
    g_autoptr(SdReport) report = NULL;
    /* The generated certificate verifies as its own trust anchor, for 127.0.0.1. */
    settings->tls_verify = SD_TLS_VERIFY;
    settings->tls_ca_file = g_strdup (sd_server_get_cert_path (fx.server));
    report = run_client (settings);
    if (!report->ok)
      g_error ("%s", report->error->message);
  }
  fixture_stop (&fx);

  /* The next start keeps it. */
  fixture_start (&fx, config);
  g_assert_cmpstr (sd_server_get_cert_sha256 (fx.server), ==, first_sha);
  fixture_stop (&fx);

  g_unlink (key_path);
  {
    g_autofree char *cert_path = g_build_filename (dir, "server-cert.pem", NULL);
    g_unlink (cert_path);
  }
  g_rmdir (dir);
}

/* --- hints about the client ------------------------------------------------------------ */

static void
test_hint_no_starttls (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;

  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_NONE, "plain");
  report = run_client (settings);
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  /* Authenticating in clear while STARTTLS was offered is the bigger problem. */
  g_assert_true (has_hint (last_finished (&fx), "client-auth-before-starttls"));
  g_assert_false (has_hint (last_finished (&fx), "client-no-starttls"));
  fixture_stop (&fx);

  fixture_start (&fx, config);
  g_free (settings->auth);
  settings->auth = g_strdup ("none");
  settings->port = sd_server_get_port (fx.server);
  {
    g_autoptr(SdReport) plain = run_client (settings);
    g_assert_true (plain->ok);
  }
  fixture_wait (&fx, 1);
  g_assert_true (has_hint (last_finished (&fx), "client-no-starttls"));
  fixture_stop (&fx);
}

static void
test_hint_sender_mismatch (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) same = NULL;
  g_autoptr(SdReport) other = NULL;

  fixture_start (&fx, config);
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  same = run_client (settings);
  g_assert_true (same->ok);
  g_free (settings->from);
  settings->from = g_strdup ("ceo@example.test");
  other = run_client (settings);
  g_assert_true (other->ok);
  fixture_wait (&fx, 2);
  g_assert_false (has_hint (fx.finished->pdata[0], "client-sender-mismatch"));
  g_assert_true (has_hint (fx.finished->pdata[1], "client-sender-mismatch"));
  fixture_stop (&fx);
}

/* --- limits --------------------------------------------------------------------------- */

static void
test_idle_timeout (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  gint64 t0;

  config->idle_timeout_s = 1;
  fixture_start (&fx, config);
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  t0 = g_get_monotonic_time ();
  raw_expect (raw, "421 4.4.2 ");
  g_assert_null (raw_reply (raw));   /* and closed */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5 * G_USEC_PER_SEC);
  fixture_wait (&fx, 1);
  g_assert_cmpstr (last_finished (&fx)->end_reason, ==, "idle timeout");
  fixture_stop (&fx);
}

static void
test_long_line (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  g_autofree char *chunk = g_strnfill (1024 * 1024, 'A');

  fixture_start (&fx, config);
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  /* 10 MB without a line end: dropped as it comes, never held. */
  for (guint i = 0; i < 10; i++)
    raw_send_str (raw, chunk);
  raw_send_str (raw, "\r\nNOOP\r\n");
  raw_expect (raw, "500 5.5.2 Error: line too long");
  raw_expect (raw, "250 ");
  raw_send_str (raw, "QUIT\r\n");
  raw_expect (raw, "221 ");
  fixture_wait (&fx, 1);
  fixture_stop (&fx);
}

static void
test_too_many_commands (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GString) noops = g_string_new (NULL);
  guint ok = 0;
  char *reply;

  config->max_commands = 50;
  fixture_start (&fx, config);
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  for (guint i = 0; i < 100; i++)
    g_string_append (noops, "NOOP\r\n");
  raw_send (raw, noops->str, noops->len);
  while ((reply = raw_reply (raw)) != NULL && g_str_has_prefix (reply, "250 "))
    {
      ok++;
      g_free (reply);
    }
  g_assert_cmpuint (ok, ==, 50);
  g_assert_nonnull (reply);
  g_assert_true (g_str_has_prefix (reply, "421 4.7.0"));
  g_free (reply);
  fixture_wait (&fx, 1);
  fixture_stop (&fx);
}

static void
test_too_many_sessions (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) a = NULL;
  g_autoptr(Raw) b = NULL;
  g_autoptr(Raw) c = NULL;

  config->max_sessions = 2;
  fixture_start (&fx, config);
  a = raw_connect (sd_server_get_port (fx.server));
  raw_expect (a, "220 ");
  b = raw_connect (sd_server_get_port (fx.server));
  raw_expect (b, "220 ");
  c = raw_connect (sd_server_get_port (fx.server));
  raw_expect (c, "421 4.3.2 ");
  /* The others are not disturbed. */
  raw_send_str (a, "NOOP\r\n");
  raw_expect (a, "250 ");
  fixture_stop (&fx);
}

static void
test_stop_with_open_sessions (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(Raw) raw = NULL;
  gint64 t0;

  config->idle_timeout_s = 60;
  fixture_start (&fx, config);
  raw = raw_connect (sd_server_get_port (fx.server));
  raw_expect (raw, "220 ");
  t0 = g_get_monotonic_time ();
  sd_server_stop (fx.server);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 3 * G_USEC_PER_SEC);
  raw_expect (raw, "421 4.3.2 ");
  /* stop() delivered the last signals itself. */
  g_assert_cmpuint (fx.finished->len, ==, 1);
  g_assert_cmpstr (last_finished (&fx)->end_reason, ==, "server stopped");
  fixture_stop (&fx);
}

/* --- load ------------------------------------------------------------------------------- */

static gpointer
client_thread (gpointer data)
{
  SdReport *report = run_client (data);
  return report;
}

static void
test_concurrent_clients (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) settings = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_settings_free);
  GThread *threads[50];
  guint n = G_N_ELEMENTS (threads);
  gint64 t0, elapsed;

  config->max_sessions = n;
  config->max_sessions_per_client = n;   /* all from 127.0.0.1 */
  config->max_messages = n;
  fixture_start (&fx, config);
  for (guint i = 0; i < n; i++)
    {
      SdSettings *s = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
      g_free (s->subject);
      s->subject = g_strdup_printf ("message %u", i);
      g_ptr_array_add (settings, s);
    }

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    threads[i] = g_thread_new ("client", client_thread, settings->pdata[i]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdReport) report = g_thread_join (threads[i]);
      if (!report->ok)
        g_error ("client %u: %s", i, report->error->message);
    }
  elapsed = g_get_monotonic_time () - t0;

  fixture_wait (&fx, n);
  messages = sd_server_get_messages (fx.server);
  g_assert_cmpuint (messages->len, ==, n);
  g_assert_cmpuint (fx.n_messages, ==, n);
  g_test_message ("MEASURED: %u concurrent STARTTLS+AUTH clients, %u messages in %.3f s "
                  "(%.1f msgs/s)", n, n, elapsed / 1e6, n / (elapsed / 1e6));
  fixture_stop (&fx);
}

static void
test_large_message (void)
{
  Fixture fx = { 0 };
  g_autoptr(SdServerConfig) config = base_config ();
  g_autoptr(SdSettings) settings = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GString) eml = g_string_new ("From: alice@example.test\r\nTo: bob@example.test\r\n"
                                         "Subject: big\r\n\r\n");
  g_autoptr(GBytes) bytes = NULL;
  gint64 t0, elapsed;
  gsize size;

  config->max_size = 30 * 1024 * 1024;
  fixture_start (&fx, config);
  while (eml->len < 25 * 1024 * 1024)
    g_string_append (eml, ".line starting with a dot, 60 bytes of text ...........\r\n");
  bytes = g_bytes_new (eml->str, eml->len);
  size = eml->len;
  settings = client_settings (fx.server, SD_SECURITY_STARTTLS, "plain");
  settings->eml = g_bytes_ref (bytes);
  t0 = g_get_monotonic_time ();
  report = run_client (settings);
  elapsed = g_get_monotonic_time () - t0;
  g_assert_true (report->ok);
  fixture_wait (&fx, 1);
  messages = sd_server_get_messages (fx.server);
  g_assert_true (g_bytes_equal (((SdServerMessage *) messages->pdata[0])->data, bytes));
  g_test_message ("MEASURED: one %.1f MB message (every line dot-stuffed) over STARTTLS in "
                  "%.3f s (%.1f MB/s)", size / 1048576.0, elapsed / 1e6,
                  size / 1048576.0 / (elapsed / 1e6));
  fixture_stop (&fx);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/mode/none", test_mode_none);
  g_test_add_func ("/server/mode/none-plaintext-auth", test_mode_none_auth);
  g_test_add_func ("/server/mode/starttls", test_mode_starttls);
  g_test_add_func ("/server/mode/starttls-optional", test_mode_starttls_optional);
  g_test_add_func ("/server/mode/tls", test_mode_tls);
  g_test_add_func ("/server/auth/plain", test_auth_plain);
  g_test_add_func ("/server/auth/login", test_auth_login);
  g_test_add_func ("/server/auth/cram-md5", test_auth_cram_md5);
  g_test_add_func ("/server/auth/bad-plain", test_auth_bad_plain);
  g_test_add_func ("/server/auth/bad-login", test_auth_bad_login);
  g_test_add_func ("/server/auth/bad-cram-md5", test_auth_bad_cram_md5);
  g_test_add_func ("/server/auth/accept-any", test_auth_accept_any);
  g_test_add_func ("/server/policy/require-auth", test_policy_require_auth);
  g_test_add_func ("/server/policy/require-tls-for-auth", test_policy_require_tls_for_auth);
  g_test_add_func ("/server/policy/relay", test_policy_relay);
  g_test_add_func ("/server/policy/greylist", test_policy_greylist);
  g_test_add_func ("/server/policy/max-size", test_policy_max_size);
  g_test_add_func ("/server/protocol/pipelining", test_pipelining);
  g_test_add_func ("/server/protocol/dot-unstuffing", test_dot_unstuffing);
  g_test_add_func ("/server/protocol/data-edges", test_raw_data_edges);
  g_test_add_func ("/server/store/maildir", test_maildir);
  g_test_add_func ("/server/certificate/generated", test_generated_certificate);
  g_test_add_func ("/server/hints/no-starttls", test_hint_no_starttls);
  g_test_add_func ("/server/hints/sender-mismatch", test_hint_sender_mismatch);
  g_test_add_func ("/server/limits/idle-timeout", test_idle_timeout);
  g_test_add_func ("/server/limits/long-line", test_long_line);
  g_test_add_func ("/server/limits/commands", test_too_many_commands);
  g_test_add_func ("/server/limits/sessions", test_too_many_sessions);
  g_test_add_func ("/server/limits/stop", test_stop_with_open_sessions);
  g_test_add_func ("/server/load/concurrent-50", test_concurrent_clients);
  g_test_add_func ("/server/load/large-message", test_large_message);
  return g_test_run ();
}

/* test-cli.c: smtp-doctor-cli as scripts use it: exit codes, JSON, no secrets on stdout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <jansson.h>

#include "sd-test-certs.h"
#include "sd-test-server.h"

typedef struct {
  int   status;
  char *out;
  char *err;
} CliResult;

static void
cli_result_clear (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
}

/* Runs the CLI with @args (NULL-terminated) and @input on stdin. */
static CliResult
run_cli (const char  *input,
         const char **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  CliResult result = { 0 };
  const char *cli = g_getenv ("SD_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &result.out, &result.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  result.status = g_subprocess_get_exit_status (proc);
  return result;
}

static SdTestServer *
start_server (SdTestServerConfig *config,
              char              **port)
{
  g_autoptr(GError) error = NULL;
  SdTestServer *server = sd_test_server_new (config, &error);

  g_assert_no_error (error);
  *port = g_strdup_printf ("%u", sd_test_server_get_port (server));
  return server;
}

static void
test_send_json (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *port = NULL;
  const SdTestRecord *record;
  json_t *root, *tls, *transcript;
  json_error_t json_error;
  CliResult r;

  sd_test_server_config_init (&config);
  server = start_server (&config, &port);
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-ca", sd_test_certs_get ()->ca_file,
                           "--user", "alice", "--password-stdin",
                           "--from", "alice@example.test", "--to", "bob@example.test",
                           "--json", NULL };
    r = run_cli ("secret\n", args);
  }
  record = sd_test_server_get_record (server);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (record->authenticated);
  g_assert_cmpuint (record->messages->len, ==, 1);

  root = json_loads (r.out, 0, &json_error);
  g_assert_nonnull (root);
  g_assert_true (json_is_true (json_object_get (root, "ok")));
  g_assert_cmpstr (json_string_value (json_object_get (root, "stage")), ==, "quit");
  g_assert_true (json_is_true (json_object_get (root, "message_accepted")));
  g_assert_true (json_is_null (json_object_get (root, "error")));
  g_assert_cmpint (json_integer_value (json_object_get (json_object_get (root, "reply"), "code")), ==, 250);
  tls = json_object_get (root, "tls");
  g_assert_cmpstr (json_string_value (json_object_get (tls, "version")), ==, "TLS1.3");
  g_assert_true (json_is_true (json_object_get (tls, "verified")));
  g_assert_cmpuint (json_array_size (json_object_get (tls, "chain")), >=, 1);
  g_assert_nonnull (json_object_get (json_object_get (root, "capabilities"), "before_tls"));
  g_assert_true (json_is_array (json_object_get (root, "hints")));
  g_assert_nonnull (json_object_get (json_object_get (root, "timings_ms"), "data"));
  transcript = json_object_get (root, "transcript");
  g_assert_cmpuint (json_array_size (transcript), >, 10);
  json_decref (root);

  /* Neither the password nor the AUTH PLAIN blob may appear anywhere. */
  g_assert_null (strstr (r.out, "secret"));
  g_assert_null (strstr (r.out, "AGFsaWNlAHNlY3JldA=="));
  g_assert_null (strstr (r.err, "secret"));
  cli_result_clear (&r);
}

/* A test that stops before the message says so everywhere, and never "accepted". */
static void
test_quit_after_auth_outcome (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *port = NULL;
  json_t *root;
  CliResult r;

  sd_test_server_config_init (&config);
  server = start_server (&config, &port);
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-ca", sd_test_certs_get ()->ca_file,
                           "--user", "alice", "--password-stdin", "--quit-after", "auth", NULL };
    r = run_cli ("secret\n", args);
  }
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Done: Stopped after AUTH as asked: logged in as alice; "
                                   "no message sent"));
  g_assert_nonnull (strstr (r.out, "Result: OK: Stopped after AUTH as asked: logged in as "
                                   "alice; no message sent"));
  g_assert_null (strstr (r.out, "accepted"));
  cli_result_clear (&r);
  g_assert_cmpuint (sd_test_server_get_record (server)->messages->len, ==, 0);

  /* The scripted server plays one session: a fresh one for --json. */
  g_clear_pointer (&server, sd_test_server_free);
  g_clear_pointer (&port, g_free);
  server = start_server (&config, &port);
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-ca", sd_test_certs_get ()->ca_file,
                           "--user", "alice", "--password-stdin", "--quit-after", "auth",
                           "--json", NULL };
    r = run_cli ("secret\n", args);
  }
  root = json_loads (r.out, 0, NULL);
  g_assert_nonnull (root);
  g_assert_true (json_is_true (json_object_get (root, "ok")));
  g_assert_true (json_is_false (json_object_get (root, "message_accepted")));
  g_assert_cmpstr (json_string_value (json_object_get (root, "stopped_after")), ==, "auth");
  g_assert_nonnull (strstr (json_string_value (json_object_get (root, "outcome")),
                            "logged in as alice"));
  json_decref (root);
  g_assert_cmpuint (sd_test_server_get_record (server)->messages->len, ==, 0);
  cli_result_clear (&r);
}

static void
test_send_text_wrong_password (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *port = NULL;
  CliResult r;

  sd_test_server_config_init (&config);
  server = start_server (&config, &port);
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-ca", sd_test_certs_get ()->ca_file,
                           "--user", "alice", "--password-env", "SD_TEST_PASSWORD",
                           "--from", "alice@example.test", "--to", "bob@example.test", NULL };
    g_setenv ("SD_TEST_PASSWORD", "hunter2", TRUE);
    r = run_cli (NULL, args);
  }

  g_assert_cmpint (r.status, ==, 4);
  g_assert_nonnull (strstr (r.out, "TLS <- 535 5.7.8"));
  g_assert_nonnull (strstr (r.out, "Result: FAILED at auth"));
  g_assert_nonnull (strstr (r.out, "-> AUTH PLAIN [user \"alice\", password hidden]"));
  g_assert_null (strstr (r.out, "hunter2"));
  g_assert_false (sd_test_server_get_record (server)->authenticated);
  cli_result_clear (&r);
}

static void
test_crlf_refused (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autofree char *port = NULL;
  const SdTestRecord *record;
  CliResult r;

  sd_test_server_config_init (&config);
  server = start_server (&config, &port);
  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--from", "a@example.test\r\nRCPT TO:<x@evil.test>",
                           "--to", "bob@example.test", "--timeout", "2", NULL };
    r = run_cli (NULL, args);
  }
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "line break"));

  sd_test_server_stop (server);
  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->n_connections, ==, 0);
  g_assert_cmpuint (record->received_plain->len, ==, 0);
  cli_result_clear (&r);
}

static void
test_usage_errors (void)
{
  const char *no_server[] = { "send", "--to", "x@example.test", NULL };
  const char *bad_mode[] = { "send", "--server", "127.0.0.1", "--security", "ssl", NULL };
  const char *bad_stage[] = { "send", "--server", "127.0.0.1", "--quit-after", "later", NULL };
  const char *help[] = { "send", "--help", NULL };
  const char **cases[] = { no_server, bad_mode, bad_stage };
  CliResult r;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      r = run_cli (NULL, cases[i]);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_nonnull (strstr (r.err, "smtp-doctor-cli send:"));
      cli_result_clear (&r);
    }

  r = run_cli (NULL, help);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Exit codes:"));
  g_assert_nonnull (strstr (r.out, "--password-stdin"));
  cli_result_clear (&r);
}

/* Input errors are usage errors: exit 1, one line on stderr naming the problem, nothing
 * on stdout (no session, no "FAILED at resolve", no hints). */
static void
test_input_errors (void)
{
  static const struct {
    const char *args[12];
    const char *says;
  } cases[] = {
    { { "send", "--server", "127.0.0.1", "--to", "b@example.test", NULL }, "No sender" },
    { { "send", "--server", "127.0.0.1", "--from", "a@example.test", NULL }, "No recipient" },
    { { "send", "--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test",
        "--subject", "Hi\r\nBcc: x@example.test", NULL }, "line break" },
    { { "send", "--server", "127.0.0.1", "--from", "a@example.test", "--to", "b@example.test",
        "--user", "bob", NULL }, "no password" },
    { { "send", "--server", "127.0.0.1", "--port", "-1", NULL }, "--port must be 1-65535" },
    { { "send", "--server", "127.0.0.1", "--port", "0", NULL }, "--port must be 1-65535" },
    { { "send", "--server", "127.0.0.1", "--port", "65536", NULL }, "--port must be 1-65535" },
    { { "send", "--server", "127.0.0.1", "--password", "x", NULL }, "--password-env" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CliResult r = run_cli ("", (const char **) cases[i].args);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      if (strstr (r.err, cases[i].says) == NULL)
        g_error ("case %u: expected “%s” in: %s", i, cases[i].says, r.err);
      g_assert_true (g_str_has_prefix (r.err, "smtp-doctor-cli send: "));
      g_assert_null (strstr (r.err, "Hints"));
      cli_result_clear (&r);
    }
}

/* An unknown option's value is never repeated: it may be a secret. */
static void
test_unknown_option_not_echoed (void)
{
  const char *args[] = { "send", "--pass=hunter2", NULL };
  const char *serve[] = { "serve", "--pwd=hunter2", NULL };
  CliResult r = run_cli (NULL, args);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "--pass"));
  g_assert_nonnull (strstr (r.err, "--password-stdin"));
  g_assert_null (strstr (r.err, "hunter2"));
  cli_result_clear (&r);

  r = run_cli (NULL, serve);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "--pwd"));
  g_assert_null (strstr (r.err, "hunter2"));
  cli_result_clear (&r);
}

/* The usage lines name the program and say FILE|- once. */
static void
test_help_usage_lines (void)
{
  const char *send[] = { "send", "--help", NULL };
  const char *diagnose[] = { "diagnose", "--help", NULL };
  CliResult r = run_cli (NULL, send);

  g_assert_nonnull (strstr (r.out, "smtp-doctor-cli send [OPTION"));
  cli_result_clear (&r);
  r = run_cli (NULL, diagnose);
  g_assert_nonnull (strstr (r.out, "smtp-doctor-cli diagnose [OPTION"));
  g_assert_nonnull (strstr (r.out, "FILE|-"));
  g_assert_null (strstr (r.out, "FILE|- FILE|-"));
  cli_result_clear (&r);
}

static void
test_connect_refused (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  CliResult r;

  /* A port that was free a moment ago and has no listener now. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any, FALSE, &error));
  bound = g_socket_get_local_address (socket, &error);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  {
    const char *args[] = { "send", "--server", "127.0.0.1", "--port", port,
                           "--quit-after", "ehlo", "--json", NULL };
    r = run_cli (NULL, args);
  }
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.out, "\"code\": \"connect\""));
  g_assert_nonnull (strstr (r.out, "\"stage\": \"connect\""));
  cli_result_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/send/json", test_send_json);
  g_test_add_func ("/cli/send/quit-after-auth-outcome", test_quit_after_auth_outcome);
  g_test_add_func ("/cli/send/wrong-password", test_send_text_wrong_password);
  g_test_add_func ("/cli/send/crlf-refused", test_crlf_refused);
  g_test_add_func ("/cli/send/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/send/input-errors", test_input_errors);
  g_test_add_func ("/cli/unknown-option-not-echoed", test_unknown_option_not_echoed);
  g_test_add_func ("/cli/help-usage-lines", test_help_usage_lines);
  g_test_add_func ("/cli/send/connect-refused", test_connect_refused);
  return g_test_run ();
}

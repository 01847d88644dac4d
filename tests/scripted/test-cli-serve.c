/* test-cli-serve.c: `smtp-doctor-cli serve` as a process, with `send` and swaks as clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <string.h>

#define PASSWORD "Demo-Pa55word"

typedef struct {
  GSubprocess      *proc;
  GDataInputStream *out;
  char             *dir;
  char             *maildir;
  char             *port;
  char             *sha256;
} Serve;

/* Starts serve with @extra args and reads the lines that say where it listens. */
static Serve *
serve_start (const char * const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;
  Serve *serve = g_new0 (Serve, 1);
  char *line;

  serve->dir = g_dir_make_tmp ("sd-serve-XXXXXX", &error);
  g_assert_no_error (error);
  serve->maildir = g_build_filename (serve->dir, "mail", NULL);
  data_home = g_build_filename (serve->dir, "data", NULL);
  /* The generated certificate goes to a throwaway data dir, not the user's. */
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "SD_TEST_PASSWORD", PASSWORD, TRUE);

  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  g_ptr_array_add (argv, "serve");
  g_ptr_array_add (argv, "--port");
  g_ptr_array_add (argv, "0");
  g_ptr_array_add (argv, "--user");
  g_ptr_array_add (argv, "demo");
  g_ptr_array_add (argv, "--password-env");
  g_ptr_array_add (argv, "SD_TEST_PASSWORD");
  g_ptr_array_add (argv, "--maildir");
  g_ptr_array_add (argv, serve->maildir);
  g_ptr_array_add (argv, "--idle-timeout");
  g_ptr_array_add (argv, "20");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_nonnull (argv->pdata[0]);

  serve->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  serve->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve->proc));

  line = g_data_input_stream_read_line (serve->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("serve: %s", line);
  {
    g_autoptr(GRegex) regex = g_regex_new ("^Listening on 127\\.0\\.0\\.1 port (\\d+) \\(STARTTLS", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    g_assert_true (g_regex_match (regex, line, 0, &match));
    serve->port = g_match_info_fetch (match, 1);
  }
  g_free (line);
  line = g_data_input_stream_read_line (serve->out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Certificate: "));
  serve->sha256 = g_strdup (strstr (line, "SHA-256 ") + strlen ("SHA-256 "));
  g_assert_cmpuint (strlen (serve->sha256), ==, 64);
  g_free (line);
  return serve;
}

/* Ctrl+C, then everything it printed after the first lines. */
static char *
serve_stop (Serve *serve)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) rest = g_string_new (NULL);
  char *line;

#ifdef G_OS_UNIX
  g_subprocess_send_signal (serve->proc, SIGINT);
#else
  g_subprocess_force_exit (serve->proc);
#endif
  while ((line = g_data_input_stream_read_line (serve->out, NULL, NULL, &error)) != NULL)
    {
      g_string_append (rest, line);
      g_string_append_c (rest, '\n');
      g_free (line);
    }
  g_subprocess_wait (serve->proc, NULL, &error);
  g_assert_no_error (error);
#ifdef G_OS_UNIX
  g_assert_true (g_subprocess_get_if_exited (serve->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (serve->proc), ==, 0);
#endif
  return g_string_free (g_steal_pointer (&rest), FALSE);
}

static void
rm_rf (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);
      rm_rf (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

static void
serve_free (Serve *serve)
{
  g_object_unref (serve->out);
  g_object_unref (serve->proc);
  rm_rf (serve->dir);
  g_free (serve->dir);
  g_free (serve->maildir);
  g_free (serve->port);
  g_free (serve->sha256);
  g_free (serve);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Serve, serve_free)

/* The one .eml file in the maildir. */
static GBytes *
only_message (Serve *serve)
{
  g_autoptr(GDir) dir = g_dir_open (serve->maildir, 0, NULL);
  const char *name;
  GBytes *bytes = NULL;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (serve->maildir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_assert_true (g_str_has_suffix (name, ".eml"));
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_clear_pointer (&bytes, g_bytes_unref);
      bytes = g_bytes_new (contents, len);
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
  return bytes;
}

static int
run (const char * const *argv,
     const char         *password,
     char              **out)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  if (password != NULL)
    g_subprocess_launcher_setenv (launcher, "SD_TEST_PASSWORD", password, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static void
test_serve_and_send (void)
{
  g_autoptr(Serve) serve = serve_start (NULL);
  g_autofree char *pin = g_strdup_printf ("pin:%s", serve->sha256);
  g_autofree char *out = NULL;
  g_autofree char *transcript = NULL;
  g_autofree char *eml_path = g_build_filename (serve->dir, "sent.eml", NULL);
  static const char eml[] = "From: demo@example.test\r\nTo: bob@example.test\r\nSubject: via serve\r\n"
                            "\r\n.dot line\r\nend\r\n";
  g_autoptr(GBytes) stored = NULL;
  const char *argv[] = { g_getenv ("SD_CLI"), "send", "--server", "127.0.0.1", "--port", serve->port,
                         "--security", "starttls", "--tls-verify", pin, "--user", "demo",
                         "--password-env", "SD_TEST_PASSWORD", "--from", "demo@example.test",
                         "--to", "bob@example.test", "--eml", eml_path, NULL };
  int status;

  g_assert_true (g_file_set_contents (eml_path, eml, -1, NULL));
  status = run (argv, PASSWORD, &out);
  if (status != 0)
    g_error ("send failed (%d):\n%s", status, out);

  transcript = serve_stop (serve);
  g_test_message ("%s", transcript);
  g_assert_nonnull (strstr (transcript, "TLS <- AUTH PLAIN [user \"demo\", password hidden]"));
  g_assert_nonnull (strstr (transcript, "-> 235 2.7.0"));
  g_assert_nonnull (strstr (transcript, "Session finished: quit"));
  g_assert_nonnull (strstr (transcript, "Stopped after 1 session."));
  g_assert_null (strstr (transcript, PASSWORD));

  stored = only_message (serve);
  g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), eml, strlen (eml));
}

static void
test_serve_json (void)
{
  const char *extra[] = { "--json", "--require-auth", NULL };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-serve-json-XXXXXX", NULL);
  g_autofree char *line = NULL;
  g_autofree char *port = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *send_out = NULL;
  json_error_t json_error;
  json_t *root, *listening, *session;
  const char *argv[] = { g_getenv ("SD_CLI"), "serve", "--port", "0", extra[0], extra[1], NULL };

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", dir, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  root = json_loads (line, 0, &json_error);
  g_assert_nonnull (root);
  listening = json_object_get (root, "listening");
  port = g_strdup_printf ("%d", (int) json_integer_value (json_object_get (listening, "port")));
  pin = g_strdup_printf ("pin:%s", json_string_value (json_object_get (listening, "cert_sha256")));
  json_decref (root);

  {
    const char *send[] = { g_getenv ("SD_CLI"), "send", "--server", "127.0.0.1", "--port", port,
                           "--tls-verify", pin, "--auth", "none", "--from", "a@example.test",
                           "--to", "b@example.test", NULL };
    /* No AUTH, with --require-auth: refused at MAIL (exit 5). */
    g_assert_cmpint (run (send, NULL, &send_out), ==, 5);
  }

  g_clear_pointer (&line, g_free);
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  session = json_loads (line, 0, &json_error);
  g_assert_nonnull (session);
  g_assert_cmpint (json_integer_value (json_object_get (session, "session")), ==, 1);
  g_assert_true (json_is_true (json_object_get (session, "tls")));
  g_assert_cmpuint (json_array_size (json_object_get (session, "transcript")), >, 5);
  g_assert_nonnull (strstr (line, "530 5.7.0"));
  g_assert_nonnull (strstr (line, "client-no-auth"));
  json_decref (session);

#ifdef G_OS_UNIX
  g_subprocess_send_signal (proc, SIGINT);
#else
  g_subprocess_force_exit (proc);
#endif
  g_subprocess_wait (proc, NULL, NULL);
  rm_rf (dir);
}

static void
test_serve_bad_usage (void)
{
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("SD_CLI"), "serve", "--user", "demo", NULL };
  const char *argv2[] = { g_getenv ("SD_CLI"), "serve", "--listen", "not-an-address", "--port", "0", NULL };
  g_autofree char *out2 = NULL;

  /* A user without a password source. */
  g_assert_cmpint (run (argv, NULL, &out), ==, 1);
  g_assert_nonnull (strstr (out, "--password-env"));
  g_assert_cmpint (run (argv2, NULL, &out2), ==, 2);
  g_assert_nonnull (strstr (out2, "not an IP address"));
}

static void
test_swaks (void)
{
  g_autofree char *swaks = g_find_program_in_path ("swaks");
  g_autoptr(Serve) serve = NULL;
  g_autofree char *server = NULL;
  g_autofree char *data_path = NULL;
  g_autofree char *data_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *transcript = NULL;
  g_autoptr(GBytes) stored = NULL;
  static const char data[] = "From: swaks@example.test\r\nTo: bob@example.test\r\nSubject: swaks\r\n"
                             "\r\nFirst line\r\n.leading dot\r\n..two dots\r\nlast\r\n";
  int status;

  if (swaks == NULL)
    {
      /* CI installs swaks (build-aux/debian-packages.txt): there this is never skipped. */
      g_test_skip ("swaks is not installed (apt-get install swaks libnet-ssleay-perl)");
      return;
    }

  serve = serve_start (NULL);
  server = g_strdup_printf ("127.0.0.1:%s", serve->port);
  data_path = g_build_filename (serve->dir, "swaks.eml", NULL);
  data_arg = g_strdup_printf ("@%s", data_path);
  g_assert_true (g_file_set_contents (data_path, data, -1, NULL));
  {
    const char *argv[] = { swaks, "--server", server, "--tls", "--auth", "LOGIN",
                           "--auth-user", "demo", "--auth-password", PASSWORD,
                           "--from", "swaks@example.test", "--to", "bob@example.test",
                           "--data", data_arg, "--timeout", "20", NULL };
    status = run (argv, NULL, &out);
  }
  g_test_message ("swaks:\n%s", out);
  g_assert_cmpint (status, ==, 0);

  transcript = serve_stop (serve);
  g_assert_nonnull (strstr (transcript, "TLS ** TLS established"));
  g_assert_nonnull (strstr (transcript, "TLS -> 235 2.7.0"));
  g_assert_nonnull (strstr (transcript, "TLS -> 250 2.0.0 Ok: queued"));
  g_assert_null (strstr (transcript, PASSWORD));
  stored = only_message (serve);
  /* What swaks sent, after its dot-stuffing is undone, is what we kept: the file plus
   * the empty line swaks always puts before the final "." (visible in its transcript). */
  {
    g_autofree char *sent = g_strconcat (data, "\r\n", NULL);
    g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), sent, strlen (sent));
  }
}

/* A real client meets the emulated connector and the injected fault. */
static void
test_swaks_connector_fault (void)
{
  g_autofree char *swaks = g_find_program_in_path ("swaks");
  const char *extra[] = { "--connector", "exchange-frontend",
                          "--fail", "rcpt=550 5.1.1 User unknown", NULL };
  g_autoptr(Serve) serve = NULL;
  g_autofree char *server = NULL;
  g_autofree char *out = NULL;
  g_autofree char *transcript = NULL;

  if (swaks == NULL)
    {
      g_test_skip ("swaks is not installed (apt-get install swaks libnet-ssleay-perl)");
      return;
    }
  serve = serve_start (extra);
  server = g_strdup_printf ("127.0.0.1:%s", serve->port);
  {
    const char *argv[] = { swaks, "--server", server, "--tls", "--auth", "LOGIN",
                           "--auth-user", "demo", "--auth-password", PASSWORD,
                           "--from", "demo@example.test", "--to", "bob@example.test",
                           "--timeout", "20", NULL };
    /* swaks fails at RCPT: what it reports is the injected reply. */
    g_assert_cmpint (run (argv, NULL, &out), !=, 0);
  }
  g_test_message ("swaks:\n%s", out);
  g_assert_nonnull (strstr (out, "Microsoft ESMTP MAIL Service ready"));
  g_assert_nonnull (strstr (out, "250-AUTH GSSAPI NTLM LOGIN"));
  g_assert_nonnull (strstr (out, "<~* 550 5.1.1 User unknown"));   /* "*": swaks saw a failure */
  transcript = serve_stop (serve);
  g_assert_nonnull (strstr (transcript, "Injected fault: rcpt=550 5.1.1 User unknown"));
}

static void
test_serve_bad_fault (void)
{
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  const char *argv[] = { g_getenv ("SD_CLI"), "serve", "--fail", "rcpt=999 no", NULL };
  const char *argv2[] = { g_getenv ("SD_CLI"), "serve", "--connector", "exchange-5.5", NULL };
  const char *argv3[] = { g_getenv ("SD_CLI"), "serve", "--list-connectors", NULL };

  g_assert_cmpint (run (argv, NULL, &out), ==, 1);
  g_assert_nonnull (strstr (out, "delay:SECONDS"));
  g_assert_cmpint (run (argv2, NULL, &out2), ==, 1);
  g_assert_nonnull (strstr (out2, "exchange-frontend"));
  g_assert_cmpint (run (argv3, NULL, &out3), ==, 0);
  g_assert_nonnull (strstr (out3, "m365"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/serve/send", test_serve_and_send);
  g_test_add_func ("/cli/serve/json", test_serve_json);
  g_test_add_func ("/cli/serve/bad-usage", test_serve_bad_usage);
  g_test_add_func ("/cli/serve/swaks", test_swaks);
  g_test_add_func ("/cli/serve/swaks-connector-fault", test_swaks_connector_fault);
  g_test_add_func ("/cli/serve/bad-fault", test_serve_bad_fault);
  return g_test_run ();
}

/* test-cli-serve.c: `smtp-doctor-cli serve` as a process, with `send` and swaks as clients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* posix_openpt() and friends for the password prompt test (the build is strict C11). */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#ifdef G_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif
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

/* `send --json` against @serve with @extra flags; its document (the caller decrefs). */
static json_t *
send_json (Serve              *serve,
           const char * const *extra,
           int                 expect_status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *pin = g_strdup_printf ("pin:%s", serve->sha256);
  g_autofree char *out = NULL;
  const char *base[] = { g_getenv ("SD_CLI"), "send", "--json", "--server", "127.0.0.1",
                         "--tls-verify", pin, "--from", "demo@example.test",
                         "--to", "bob@example.test", NULL };
  json_error_t json_error;
  json_t *root;
  int status;

  for (guint i = 0; base[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) base[i]);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);
  status = run ((const char * const *) argv->pdata, PASSWORD, &out);
  g_test_message ("send (%d): %s", status, out);
  g_assert_cmpint (status, ==, expect_status);
  root = json_loads (out, 0, &json_error);
  g_assert_nonnull (root);
  return root;
}

static const char *
first_hint (json_t *root,
            const char *field)
{
  json_t *hints = json_object_get (root, "hints");

  g_assert_cmpuint (json_array_size (hints), >, 0);
  return json_string_value (json_object_get (json_array_get (hints, 0), field));
}

/* --auth ntlm against a server that offers PLAIN LOGIN CRAM-MD5: the first hint says so,
 * not that the password was wrong (issue 18, item 2). */
static void
test_forced_mechanism (void)
{
  g_autoptr(Serve) serve = serve_start (NULL);
  const char *extra[] = { "--port", serve->port, "--auth", "ntlm", "--user", "demo",
                          "--password-env", "SD_TEST_PASSWORD", NULL };
  json_t *root = send_json (serve, extra, 4);

  g_assert_cmpstr (first_hint (root, "id"), ==, "auth-forced-mechanism-not-offered");
  g_assert_nonnull (strstr (first_hint (root, "title"), "NTLM"));
  g_assert_nonnull (strstr (first_hint (root, "detail"), "PLAIN LOGIN CRAM-MD5"));
  json_decref (root);
  g_free (serve_stop (serve));
}

/* Pipelined, MAIL, RCPT and DATA show one shared time (issue 18, item 13). */
static void
test_pipelined_timings (void)
{
  g_autoptr(Serve) serve = serve_start (NULL);
  g_autofree char *pin = g_strdup_printf ("pin:%s", serve->sha256);
  g_autofree char *out = NULL;
  const char *argv[] = { g_getenv ("SD_CLI"), "send", "--server", "127.0.0.1", "--port", serve->port,
                         "--tls-verify", pin, "--user", "demo", "--password-env", "SD_TEST_PASSWORD",
                         "--from", "demo@example.test", "--to", "bob@example.test", NULL };
  const char *extra[] = { "--port", serve->port, "--user", "demo", "--password-env",
                          "SD_TEST_PASSWORD", NULL };
  json_t *root, *pipelined;

  g_assert_cmpint (run (argv, PASSWORD, &out), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, " mail+rcpt+data "));
  g_assert_nonnull (strstr (out, " ms (pipelined)"));
  g_assert_null (strstr (out, " mail 0"));
  g_assert_null (strstr (out, " rcpt "));

  root = send_json (serve, extra, 0);
  pipelined = json_object_get (json_object_get (root, "timings_ms"), "pipelined");
  g_assert_nonnull (pipelined);
  g_assert_cmpuint (json_array_size (json_object_get (pipelined, "stages")), ==, 3);
  g_assert_true (json_real_value (json_object_get (pipelined, "total")) >= 0);
  json_decref (root);
  g_free (serve_stop (serve));
}

/* STARTTLS or plain against an implicit-TLS port that is not 465: the first hint says
 * the port speaks TLS at once (item 4). The server's own line for a failed handshake
 * says "TLS handshake failed" once (item 14). */
static void
test_tls_at_once (void)
{
  const char *serve_extra[] = { "--tls-port", "0", NULL };
  g_autoptr(Serve) serve = serve_start (serve_extra);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line (serve->out, NULL, NULL, &error);
  g_autoptr(GString) transcript = g_string_new (NULL);
  const char *tls_port;
  json_t *root;

  g_assert_nonnull (line);
  tls_port = strrchr (line, ' ') + 1;
  g_test_message ("implicit TLS on %s", tls_port);
  for (guint i = 0; i < 2; i++)
    {
      const char *extra[] = { "--port", tls_port, "--security", i ? "none" : "starttls",
                              "--auth", "none", "--timeout", "2", NULL };
      root = send_json (serve, extra, 6);   /* 6: a time limit */
      g_assert_cmpstr (first_hint (root, "id"), ==, "port-speaks-tls-at-once");
      g_assert_nonnull (strstr (first_hint (root, "title"), tls_port));
      json_decref (root);
    }

  /* Plain text where TLS is due: the server's handshake fails. */
  {
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                                         atoi (tls_port), NULL, &error);
    g_assert_no_error (error);
    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                               "EHLO plain\r\n\r\n\r\n\r\n", 16, NULL, NULL, &error);
    g_assert_no_error (error);
    g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  }
  /* Its session ends before Ctrl+C: wait for that line. */
  while (strstr (transcript->str, "Session finished: TLS handshake failed") == NULL)
    {
      g_autofree char *next = g_data_input_stream_read_line (serve->out, NULL, NULL, &error);
      g_assert_nonnull (next);
      g_string_append_printf (transcript, "%s\n", next);
    }
  g_test_message ("%s", transcript->str);
  g_assert_nonnull (strstr (transcript->str, "TLS handshake failed: "));
  g_assert_null (strstr (transcript->str, "TLS handshake failed: TLS handshake failed"));
  g_free (serve_stop (serve));
}

#ifdef G_OS_UNIX
/* Reads the terminal's side of a pty into @seen until @needle shows (TRUE) or the other
 * side is closed or silent for 20 s (FALSE). */
static gboolean
pty_read_until (int         master,
                GString    *seen,
                const char *needle)
{
  while (needle == NULL || strstr (seen->str, needle) == NULL)
    {
      GPollFD fd = { master, G_IO_IN, 0 };
      char buffer[512];
      gssize n;

      if (g_poll (&fd, 1, 20000) <= 0)
        return FALSE;
      n = read (master, buffer, sizeof buffer);
      if (n <= 0)
        return FALSE;   /* EIO: the last process on the other side has gone */
      g_string_append_len (seen, buffer, n);
    }
  return TRUE;
}

/* --user without a password source, on a terminal: send asks, without echo (item 6). */
static void
test_password_prompt (void)
{
  g_autoptr(Serve) serve = serve_start (NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = g_strdup_printf ("pin:%s", serve->sha256);
  const char *argv[] = { g_getenv ("SD_CLI"), "send", "--server", "127.0.0.1", "--port", serve->port,
                         "--tls-verify", pin, "--user", "demo", "--from", "demo@example.test",
                         "--to", "bob@example.test", NULL };
  int master = posix_openpt (O_RDWR | O_NOCTTY);
  int slave;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  g_subprocess_launcher_take_stdin_fd (launcher, slave);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stderr_fd (launcher, dup (slave));
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);   /* closes our copies of the terminal's side */

  if (!pty_read_until (master, seen, "Password for demo: "))
    g_error ("no password prompt; the terminal showed:\n%s", seen->str);
  g_assert_cmpint (write (master, PASSWORD "\n", strlen (PASSWORD) + 1), ==, strlen (PASSWORD) + 1);
  pty_read_until (master, seen, NULL);
  g_subprocess_wait (proc, NULL, &error);
  close (master);
  g_test_message ("%s", seen->str);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (seen->str, "235 2.7.0"));
  g_assert_null (strstr (seen->str, PASSWORD));
  g_free (serve_stop (serve));
}
#endif
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
  g_test_add_func ("/cli/serve/forced-mechanism", test_forced_mechanism);
  g_test_add_func ("/cli/serve/pipelined-timings", test_pipelined_timings);
  g_test_add_func ("/cli/serve/tls-at-once", test_tls_at_once);
#ifdef G_OS_UNIX
  g_test_add_func ("/cli/serve/password-prompt", test_password_prompt);
#endif
  g_test_add_func ("/cli/serve/swaks-connector-fault", test_swaks_connector_fault);
  g_test_add_func ("/cli/serve/bad-fault", test_serve_bad_fault);
  return g_test_run ();
}

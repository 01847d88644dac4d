/* test-test-server.c: the scripted test server, driven by a tiny client written here
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "sd-connection.h"
#include "sd-test-certs.h"
#include "sd-test-server.h"
#include "sd-tls.h"

#define CLIENT_TIMEOUT_S 5

typedef struct {
  SdConnection *conn;
  GByteArray   *in;
  guint         n_reads;
} Client;

static Client *
client_connect (SdTestServer *server)
{
  Client *client = g_new0 (Client, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address =
    g_inet_socket_address_new (loopback, sd_test_server_get_port (server));
  g_autoptr(GSocket) socket =
    g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, CLIENT_TIMEOUT_S);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_no_error (error);
  client->conn = sd_connection_new (socket, CLIENT_TIMEOUT_S);
  client->in = g_byte_array_new ();
  return client;
}

static void
client_free (Client *client)
{
  sd_connection_free (client->conn);
  g_byte_array_unref (client->in);
  g_free (client);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static void
client_send (Client     *client,
             const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_connection_write_all (client->conn, text, strlen (text), NULL, &error));
  g_assert_no_error (error);
}

/* Reads more; FALSE at EOF. */
static gboolean
client_fill (Client  *client,
             GError **error)
{
  char buffer[4096];
  gssize n = sd_connection_read (client->conn, buffer, sizeof buffer, NULL, error);

  if (n <= 0)
    return FALSE;
  client->n_reads++;
  g_byte_array_append (client->in, (const guint8 *) buffer, n);
  return TRUE;
}

/* One whole reply, all its lines with CRLF (transfer full); NULL at EOF. */
static char *
client_read_reply (Client *client)
{
  gsize start = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;

      while (start < client->in->len)
        {
          guint8 *lf = memchr (client->in->data + start, '\n', client->in->len - start);
          gsize end;

          if (lf == NULL)
            break;
          end = lf - client->in->data + 1;
          /* "250 x" or a bare "250" ends the reply; "250-x" goes on. */
          if (end - start >= 4 && client->in->data[start + 3] != '-')
            {
              char *text = g_strndup ((const char *) client->in->data, end);
              g_byte_array_remove_range (client->in, 0, end);
              return text;
            }
          start = end;
        }

      if (!client_fill (client, &error))
        {
          g_assert_no_error (error);
          return NULL;
        }
    }
}

static void
expect_reply (Client     *client,
              const char *prefix)
{
  g_autofree char *text = client_read_reply (client);

  g_assert_nonnull (text);
  if (!g_str_has_prefix (text, prefix))
    g_error ("expected a reply starting “%s”, got “%s”", prefix, text);
}

static void
client_starttls (Client     *client,
                 const char *ca_file)
{
  g_autoptr(GError) error = NULL;
  SdTls *tls;

  g_assert_cmpuint (client->in->len, ==, 0);
  tls = sd_tls_new_client (sd_connection_get_socket (client->conn), "localhost", ca_file, &error);
  g_assert_no_error (error);
  g_assert_true (sd_tls_handshake (tls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sd_tls_check_peer (tls, SD_TLS_VERIFY, NULL, &error));
  g_assert_no_error (error);
  sd_connection_set_tls (client->conn, tls);
}

static SdTestServer *
start_server (const SdTestServerConfig *config)
{
  g_autoptr(GError) error = NULL;
  SdTestServer *server = sd_test_server_new (config, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (sd_test_server_get_port (server), >, 0);
  return server;
}

static void
assert_bytes (const GByteArray *bytes,
              const char       *expected)
{
  g_assert_cmpmem (bytes->data, bytes->len, expected, strlen (expected));
}

static void
test_plain_ehlo (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *ehlo = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 test.invalid ESMTP");
  client_send (client, "EHLO client.test\r\n");
  ehlo = client_read_reply (client);
  g_assert_cmpstr (ehlo, ==,
                   "250-test.invalid Hello client.test\r\n"
                   "250-PIPELINING\r\n"
                   "250-SIZE 10240000\r\n"
                   "250-STARTTLS\r\n"
                   "250-ENHANCEDSTATUSCODES\r\n"
                   "250 8BITMIME\r\n");
  client_send (client, "NOOP\r\n");
  expect_reply (client, "250 2.0.0");
  client_send (client, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
  expect_reply (client, "503 5.5.1");   /* no AUTH before TLS by default */
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");
  g_assert_null (client_read_reply (client));

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->n_connections, ==, 1);
  assert_bytes (record->received_plain,
                "EHLO client.test\r\nNOOP\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\nQUIT\r\n");
  g_assert_cmpuint (record->received_tls->len, ==, 0);
  g_assert_cmpuint (record->commands->len, ==, 4);
  g_assert_true (sd_test_record_has_command (record, "ehlo", SD_TEST_PLAIN));
  g_assert_false (sd_test_record_has_command (record, "EHLO", SD_TEST_TLS));
  g_assert_cmpstr (sd_test_record_find_command (record, "AUTH", SD_TEST_ANY), ==,
                   "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
  g_assert_true (sd_test_record_received_contains (record, SD_TEST_PLAIN, "auth plain"));
  g_assert_false (record->authenticated);
  g_assert_false (record->bare_lf);
  g_assert_null (record->error);
}

static void
test_pipelined (void)
{
  const char * const reject[] = { "nobody@example.org", NULL };
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  const SdTestRecord *record;
  GBytes *message;
  const char *expected_message = "Subject: hi\r\n\r\n.leading dot\r\nbody\r\n";

  sd_test_server_config_init (&config);
  config.rcpt_reject = reject;
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  /* The whole group leaves in one write; the server must split it itself. */
  client_send (client,
               "EHLO client.test\r\n"
               "MAIL FROM:<alice@example.org>\r\n"
               "RCPT TO:<bob@example.org>\r\n"
               "RCPT TO:<Nobody@example.org>\r\n"
               "DATA\r\n");
  expect_reply (client, "250-test.invalid");
  expect_reply (client, "250 2.1.0");
  expect_reply (client, "250 2.1.5");
  expect_reply (client, "550 5.1.1 User unknown");
  expect_reply (client, "354 ");
  client_send (client, "Subject: hi\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n");
  expect_reply (client, "250 2.0.0 Ok: queued");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->messages->len, ==, 1);
  message = g_ptr_array_index (record->messages, 0);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                   expected_message, strlen (expected_message));
  g_assert_cmpuint (sd_test_record_count_commands (record, "RCPT", SD_TEST_PLAIN), ==, 2);
  g_assert_true (sd_test_record_has_command (record, "QUIT", SD_TEST_ANY));
  /* Message lines are not commands. */
  g_assert_false (sd_test_record_has_command (record, "body", SD_TEST_ANY));
}

static void
test_byte_by_byte (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;

  sd_test_server_config_init (&config);
  config.byte_by_byte = TRUE;
  config.byte_delay_us = 2000;
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 test.invalid");
  /* 51 bytes, one per send, 2 ms apart: the reader must have seen many pieces. */
  g_assert_cmpuint (client->n_reads, >, 10);
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "250-test.invalid");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");
}

static void
test_injection (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected = "220 2.0.0 Ready to start TLS\r\n250 fake\r\n";
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  config.inject_after_starttls = "250 fake\r\n";
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "250-");
  client_send (client, "STARTTLS\r\n");
  /* Both arrive together: one read gets the 220 and the injected line. */
  g_assert_true (g_socket_condition_timed_wait (sd_connection_get_socket (client->conn),
                                                G_IO_IN, CLIENT_TIMEOUT_S * G_USEC_PER_SEC,
                                                NULL, &error));
  g_assert_true (client_fill (client, &error));
  g_assert_cmpmem (client->in->data, client->in->len, expected, strlen (expected));
  /* A careful client stops here. */
  sd_connection_close (client->conn);

  record = sd_test_server_get_record (server);
  g_assert_nonnull (record->tls_error);
  g_assert_false (record->tls_established);
}

static void
test_starttls_auth (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *ehlo = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "250-");
  client_send (client, "STARTTLS\r\n");
  expect_reply (client, "220 2.0.0 Ready to start TLS");
  client_starttls (client, sd_test_certs_get ()->ca_file);

  client_send (client, "MAIL FROM:<a@example.org>\r\n");
  expect_reply (client, "503 5.5.1 Error: send HELO/EHLO first");
  client_send (client, "EHLO client.test\r\n");
  ehlo = client_read_reply (client);
  g_assert_nonnull (strstr (ehlo, "250 AUTH PLAIN LOGIN CRAM-MD5\r\n"));
  g_assert_null (strstr (ehlo, "STARTTLS"));
  /* alice / secret */
  client_send (client, "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
  expect_reply (client, "235 2.7.0");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_true (record->tls_established);
  g_assert_null (record->tls_error);
  g_assert_true (record->authenticated);
  g_assert_cmpstr (record->auth_mechanism, ==, "PLAIN");
  assert_bytes (record->received_plain, "EHLO client.test\r\nSTARTTLS\r\n");
  g_assert_true (sd_test_record_received_contains (record, SD_TEST_TLS, "AUTH PLAIN"));
  g_assert_false (sd_test_record_received_contains (record, SD_TEST_PLAIN, "AUTH"));
  g_assert_cmpstr (sd_test_record_find_command (record, "AUTH", SD_TEST_TLS), ==,
                   "AUTH PLAIN AGFsaWNlAHNlY3JldA==");
  g_assert_cmpuint (sd_test_record_count_commands (record, "EHLO", SD_TEST_ANY), ==, 2);
  g_assert_cmpuint (record->bytes_before_handshake, ==, 0);
}

/* EHLO in TLS, then an AUTH exchange; returns the client for more. */
static Client *
tls_client (SdTestServer *server,
            gboolean      implicit)
{
  Client *client = client_connect (server);

  if (implicit)
    client_starttls (client, sd_test_certs_get ()->ca_file);
  expect_reply (client, "220 ");
  if (!implicit)
    {
      client_send (client, "STARTTLS\r\n");
      expect_reply (client, "220 ");
      client_starttls (client, sd_test_certs_get ()->ca_file);
    }
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "250-");
  return client;
}

static char *
b64 (const char *text)
{
  return g_base64_encode ((const guchar *) text, strlen (text));
}

static void
test_auth_login (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *user = b64 ("alice");
  g_autofree char *password = b64 ("secret");
  g_autofree char *wrong = b64 ("Secret");
  g_autofree char *line = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = tls_client (server, FALSE);

  client_send (client, "AUTH LOGIN\r\n");
  expect_reply (client, "334 VXNlcm5hbWU6");
  line = g_strconcat (user, "\r\n", NULL);
  client_send (client, line);
  expect_reply (client, "334 UGFzc3dvcmQ6");
  g_free (line);
  line = g_strconcat (wrong, "\r\n", NULL);
  client_send (client, line);
  expect_reply (client, "535 5.7.8 Authentication credentials invalid");

  /* With the user as initial response, then the right password. */
  g_free (line);
  line = g_strconcat ("AUTH LOGIN ", user, "\r\n", NULL);
  client_send (client, line);
  expect_reply (client, "334 UGFzc3dvcmQ6");
  g_free (line);
  line = g_strconcat (password, "\r\n", NULL);
  client_send (client, line);
  expect_reply (client, "235 ");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_true (record->authenticated);
  g_assert_cmpuint (record->auth_failures, ==, 1);
  g_assert_cmpstr (record->auth_mechanism, ==, "LOGIN");
  g_assert_cmpuint (sd_test_record_count_commands (record, "AUTH", SD_TEST_TLS), ==, 2);
}

static void
test_auth_cram_md5 (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *challenge_line = NULL;
  g_autofree guchar *challenge = NULL;
  g_autofree char *challenge_text = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *line = NULL;
  gsize len = 0;

  sd_test_server_config_init (&config);
  config.implicit_tls = TRUE;
  server = start_server (&config);
  client = tls_client (server, TRUE);

  client_send (client, "AUTH CRAM-MD5\r\n");
  challenge_line = client_read_reply (client);
  g_assert_true (g_str_has_prefix (challenge_line, "334 "));
  g_strchomp (challenge_line);
  challenge = g_base64_decode (challenge_line + 4, &len);
  challenge_text = g_strndup ((const char *) challenge, len);
  g_assert_true (g_str_has_prefix (challenge_text, "<"));
  digest = g_compute_hmac_for_string (G_CHECKSUM_MD5, (const guchar *) "secret", 6,
                                      challenge_text, -1);
  answer = g_strdup_printf ("alice %s", digest);
  line = b64 (answer);
  client_send (client, line);
  client_send (client, "\r\n");
  expect_reply (client, "235 ");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  g_assert_true (sd_test_server_get_record (server)->authenticated);
  g_assert_cmpuint (sd_test_server_get_record (server)->received_plain->len, ==, 0);
}

static void
test_auth_close_after_fail (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  config.auth_close_after_fail = TRUE;
  server = start_server (&config);
  client = tls_client (server, FALSE);

  client_send (client, "AUTH PLAIN AGFsaWNlAHdyb25n\r\n");  /* alice / wrong */
  expect_reply (client, "535 5.7.8");
  expect_reply (client, "221 ");
  g_assert_null (client_read_reply (client));

  record = sd_test_server_get_record (server);
  g_assert_false (record->authenticated);
  g_assert_cmpuint (record->auth_failures, ==, 1);
}

static void
test_auth_cancel (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  const SdTestRecord *record;
  const SdTestCommand *last;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = tls_client (server, FALSE);

  client_send (client, "AUTH PLAIN\r\n");
  expect_reply (client, "334 ");
  client_send (client, "*\r\n");
  expect_reply (client, "501 5.7.0");
  client_send (client, "AUTH PLAIN not*base64\r\n");
  expect_reply (client, "501 5.5.2");
  client_send (client, "AUTH XOAUTH2 abc\r\n");
  expect_reply (client, "504 ");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->auth_failures, ==, 0);
  last = g_ptr_array_index (record->commands, 3);
  g_assert_cmpstr (last->line, ==, "*");
  g_assert_true (last->auth_data);
  g_assert_true (last->tls);
}

static void
test_close_partial (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;

  sd_test_server_config_init (&config);
  config.close_after = "ehlo";
  config.close_partial = "250-partial\r\n250-SIZE";
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\n");
  while (client_fill (client, &error))
    ;
  g_assert_no_error (error);
  g_assert_cmpmem (client->in->data, client->in->len, "250-partial\r\n250-SIZE", 21);
  sd_connection_close (client->conn);

  g_assert_true (sd_test_server_get_record (server)->client_closed);
}

static void
test_close_at_greeting (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;

  sd_test_server_config_init (&config);
  config.close_after = "GREETING";
  server = start_server (&config);
  client = client_connect (server);
  g_assert_null (client_read_reply (client));
  g_assert_cmpuint (client->in->len, ==, 0);
}

static void
test_stall (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  sd_test_server_config_init (&config);
  config.stall_on = "MAIL";
  server = start_server (&config);
  client = client_connect (server);
  g_socket_set_timeout (sd_connection_get_socket (client->conn), 1);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\nMAIL FROM:<a@example.org>\r\n");
  expect_reply (client, "250-");
  start = g_get_monotonic_time ();
  g_assert_false (client_fill (client, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  client_send (client, "NOOP\r\n");

  /* The connection is still open: stopping must not take the server's timeout. */
  g_assert_false (sd_test_server_wait (server, 100));
  start = g_get_monotonic_time ();
  sd_test_server_stop (server);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  g_assert_true (sd_test_server_get_record (server)->stalled);
  g_assert_true (sd_test_record_received_contains (sd_test_server_get_record (server),
                                                   SD_TEST_PLAIN, "NOOP\r\n"));
}

static void
test_overrides (void)
{
  const SdTestOverride overrides[] = {
    { "EHLO", "500 5.5.1 EHLO? never heard of it\r\n", SD_TEST_ANY },
    { "NOOP", "", SD_TEST_PLAIN },
    { "GREETING", "220-multi\r\n220 line greeting\r\n", SD_TEST_ANY },
    { NULL }
  };
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;

  sd_test_server_config_init (&config);
  config.overrides = overrides;
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220-multi\r\n220 line greeting\r\n");
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "500 5.5.1");
  client_send (client, "NOOP\r\nHELO client.test\r\n");   /* NOOP gets no answer */
  expect_reply (client, "250 test.invalid\r\n");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");
}

static void
test_chunking (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autofree char *ehlo = NULL;
  const SdTestRecord *record;
  GBytes *message;

  sd_test_server_config_init (&config);
  config.chunking = TRUE;
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\n");
  ehlo = client_read_reply (client);
  g_assert_nonnull (strstr (ehlo, "250 CHUNKING\r\n"));
  client_send (client, "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
                       "BDAT 7\r\nA\r\n.\r\nBBDAT 3 LAST\r\nC\r\n");
  expect_reply (client, "250 2.1.0");
  expect_reply (client, "250 2.1.5");
  expect_reply (client, "250 2.0.0 7 octets");
  expect_reply (client, "250 2.0.0 Ok: queued");
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->messages->len, ==, 1);
  message = g_ptr_array_index (record->messages, 0);
  g_assert_cmpmem (g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                   "A\r\n.\r\nBC\r\n", 10);
}

/* A client that sends before the handshake: those bytes are dropped and counted. */
static void
test_bytes_before_handshake (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "EHLO client.test\r\n");
  expect_reply (client, "250-");
  client_send (client, "STARTTLS\r\nEHLO early\r\n");
  expect_reply (client, "220 ");
  client_starttls (client, sd_test_certs_get ()->ca_file);
  client_send (client, "QUIT\r\n");
  expect_reply (client, "221 ");

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->bytes_before_handshake, ==, strlen ("EHLO early\r\n"));
  g_assert_true (record->tls_established);
  g_assert_false (sd_test_record_has_command (record, "EHLO", SD_TEST_TLS));
}

static void
test_bare_lf (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  client = client_connect (server);

  expect_reply (client, "220 ");
  client_send (client, "NOOP\nQUIT\r\n");
  expect_reply (client, "250 ");
  expect_reply (client, "221 ");
  g_assert_true (sd_test_server_get_record (server)->bare_lf);
}

static void
test_no_connection (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  const SdTestRecord *record;
  gint64 start;

  sd_test_server_config_init (&config);
  server = start_server (&config);
  g_assert_false (sd_test_server_wait (server, 50));
  start = g_get_monotonic_time ();
  sd_test_server_stop (server);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->n_connections, ==, 0);
  g_assert_null (record->error);
}

static void
test_two_connections (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  const SdTestRecord *record;

  sd_test_server_config_init (&config);
  config.n_connections = 2;
  server = start_server (&config);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(Client) client = client_connect (server);
      expect_reply (client, "220 ");
      client_send (client, "QUIT\r\n");
      expect_reply (client, "221 ");
      g_assert_null (client_read_reply (client));
    }

  g_assert_true (sd_test_server_wait (server, 5000));
  record = sd_test_server_get_record (server);
  g_assert_cmpuint (record->n_connections, ==, 2);
  g_assert_cmpuint (((SdTestCommand *) record->commands->pdata[1])->connection, ==, 1);
}

static void
test_ipv6 (void)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  char buffer[64];

  sd_test_server_config_init (&config);
  config.ipv6 = TRUE;
  server = sd_test_server_new (&config, &error);
  if (server == NULL)
    {
      g_test_skip_printf ("no IPv6 loopback: %s", error->message);
      return;
    }
  address = g_inet_socket_address_new (loopback, sd_test_server_get_port (server));
  socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, CLIENT_TIMEOUT_S);
  g_assert_true (g_socket_connect (socket, address, NULL, &error));
  g_assert_cmpint (g_socket_receive (socket, buffer, 4, NULL, &error), ==, 4);
  g_assert_cmpmem (buffer, 4, "220 ", 4);
}

/* The fixtures behave as their names say under the core's own certificate checks. */
static void
check_cert (const SdTestCert *cert,
            SdTlsVerifyMode   mode,
            const char       *pin,
            const char       *error_part)
{
  SdTestServerConfig config;
  g_autoptr(SdTestServer) server = NULL;
  g_autoptr(Client) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTls) tls = NULL;
  SdTlsInfo *info;

  sd_test_server_config_init (&config);
  config.implicit_tls = TRUE;
  config.cert_pem = cert->cert_pem;
  config.key_pem = cert->key_pem;
  server = start_server (&config);
  client = client_connect (server);

  tls = sd_tls_new_client (sd_connection_get_socket (client->conn), "localhost",
                           sd_test_certs_get ()->ca_file, &error);
  g_assert_no_error (error);
  g_assert_true (sd_tls_handshake (tls, NULL, &error));
  g_assert_no_error (error);
  info = sd_tls_get_info (tls);
  g_assert_nonnull (info);
  g_assert_cmpuint (info->chain->len, >=, 1);
  g_assert_cmpstr (((SdCertInfo *) info->chain->pdata[0])->sha256, ==, cert->sha256);

  if (error_part == NULL)
    {
      g_assert_true (sd_tls_check_peer (tls, mode, pin, &error));
      g_assert_no_error (error);
    }
  else
    {
      g_assert_false (sd_tls_check_peer (tls, mode, pin, &error));
      g_assert_error (error, SD_TLS_ERROR, SD_TLS_ERROR_CERTIFICATE);
      if (strstr (error->message, error_part) == NULL)
        g_error ("“%s” not in “%s”", error_part, error->message);
    }
  sd_tls_close (tls, NULL);
}

static void
test_certificates (void)
{
  const SdTestCerts *certs = sd_test_certs_get ();

  check_cert (&certs->valid, SD_TLS_VERIFY, NULL, NULL);
  check_cert (&certs->wrong_name, SD_TLS_VERIFY, NULL, "wrong.example");
  check_cert (&certs->expired, SD_TLS_VERIFY, NULL, "expired");
  check_cert (&certs->not_yet_valid, SD_TLS_VERIFY, NULL, "not valid before");
  check_cert (&certs->self_signed, SD_TLS_VERIFY, NULL, "self-signed");
  check_cert (&certs->self_signed, SD_TLS_ACCEPT_ANY, NULL, NULL);
  check_cert (&certs->self_signed, SD_TLS_PIN, certs->self_signed.sha256, NULL);
  check_cert (&certs->self_signed, SD_TLS_PIN, certs->valid.sha256, "pinned");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/test-server/plain/ehlo", test_plain_ehlo);
  g_test_add_func ("/test-server/plain/pipelined", test_pipelined);
  g_test_add_func ("/test-server/plain/byte-by-byte", test_byte_by_byte);
  g_test_add_func ("/test-server/plain/overrides", test_overrides);
  g_test_add_func ("/test-server/plain/chunking", test_chunking);
  g_test_add_func ("/test-server/plain/bare-lf", test_bare_lf);
  g_test_add_func ("/test-server/script/close-partial", test_close_partial);
  g_test_add_func ("/test-server/script/close-at-greeting", test_close_at_greeting);
  g_test_add_func ("/test-server/script/stall", test_stall);
  g_test_add_func ("/test-server/script/no-connection", test_no_connection);
  g_test_add_func ("/test-server/script/two-connections", test_two_connections);
  g_test_add_func ("/test-server/script/ipv6", test_ipv6);
  g_test_add_func ("/test-server/tls/injection", test_injection);
  g_test_add_func ("/test-server/tls/starttls-auth", test_starttls_auth);
  g_test_add_func ("/test-server/tls/bytes-before-handshake", test_bytes_before_handshake);
  g_test_add_func ("/test-server/tls/certificates", test_certificates);
  g_test_add_func ("/test-server/auth/login", test_auth_login);
  g_test_add_func ("/test-server/auth/cram-md5", test_auth_cram_md5);
  g_test_add_func ("/test-server/auth/close-after-fail", test_auth_close_after_fail);
  g_test_add_func ("/test-server/auth/cancel", test_auth_cancel);

  return g_test_run ();
}

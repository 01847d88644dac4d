/* test-tls.c: certificate verdicts at the TLS layer, for certificates a session test
 * can't reach by address: wildcards, weak keys, a chain missing its intermediate
 *
 * A client SdTls and a server SdTls talk over loopback; the client's server name is set
 * directly, so no DNS is involved.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "sd-certgen.h"
#include "sd-test-raw.h"
#include "sd-tls.h"

typedef struct {
  char *cert_pem;
  char *key_pem;
} Cert;

static Cert ca, intermediate, wildcard, weak, behind_intermediate;
static char *ca_file;

static void
make (Cert               *out,
      const char         *cn,
      const char * const *dns,
      gboolean            is_ca,
      SdCertKeyType       key_type,
      const Cert         *issuer)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SdCertRequest request = {
    .common_name = cn,
    .dns_names = dns,
    .not_before = now - 3600,
    .not_after = now + 86400,
    .is_ca = is_ca,
    .key_type = key_type,
    .issuer_cert_pem = issuer ? issuer->cert_pem : NULL,
    .issuer_key_pem = issuer ? issuer->key_pem : NULL,
  };
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_certificate_generate (&request, &out->cert_pem, &out->key_pem, &error));
  g_assert_no_error (error);
}

static void
make_certs (void)
{
  static const char * const wildcard_dns[] = { "*.example.test", NULL };
  static const char * const mail_dns[] = { "mail.example.test", NULL };
  g_autoptr(GError) error = NULL;
  int fd;

  make (&ca, "SMTP Doctor test root", NULL, TRUE, SD_CERT_KEY_ECDSA_P256, NULL);
  make (&intermediate, "SMTP Doctor test intermediate", NULL, TRUE, SD_CERT_KEY_ECDSA_P256, &ca);
  make (&wildcard, "*.example.test", wildcard_dns, FALSE, SD_CERT_KEY_ECDSA_P256, &ca);
  make (&weak, "mail.example.test", mail_dns, FALSE, SD_CERT_KEY_RSA_1024, &ca);
  make (&behind_intermediate, "mail.example.test", mail_dns, FALSE, SD_CERT_KEY_ECDSA_P256,
        &intermediate);

  fd = g_file_open_tmp ("sd-test-ca-XXXXXX.pem", &ca_file, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (ca_file, ca.cert_pem, -1, &error));
}

typedef struct {
  GSocket    *socket;
  const char *cert_pem;
  const char *key_pem;
} ServerSide;

static gpointer
server_handshake (gpointer data)
{
  ServerSide *side = data;
  g_autoptr(SdTls) tls = sd_tls_new_server (side->socket, side->cert_pem, side->key_pem, NULL, NULL);

  /* The verdict is the client's business; the server only has to finish its part. */
  if (tls != NULL)
    sd_tls_handshake (tls, NULL, NULL);
  return NULL;
}

/* Handshakes as a client asking for @server_name against a server presenting
 * @cert_chain_pem (leaf first); returns the check's verdict and fills @reason. */
static gboolean
check (const char  *server_name,
       const char  *cert_chain_pem,
       const char  *key_pem,
       char       **reason)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = NULL, client = NULL, accepted = NULL;
  g_autoptr(SdTls) tls = NULL;
  g_autoptr(GError) error = NULL;
  ServerSide side;
  GThread *thread;
  gboolean ok;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_true (g_socket_bind (listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (listener, &error));
  bound = g_socket_get_local_address (listener, &error);
  client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_socket_set_timeout (client, 5);
  g_assert_true (g_socket_connect (client, bound, NULL, &error));
  accepted = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (accepted, 5);

  side = (ServerSide) { accepted, cert_chain_pem, key_pem };
  thread = g_thread_new ("tls-server", server_handshake, &side);

  tls = sd_tls_new_client (client, server_name, ca_file, &error);
  g_assert_no_error (error);
  g_assert_true (sd_tls_handshake (tls, NULL, &error));
  g_assert_no_error (error);
  ok = sd_tls_check_peer (tls, SD_TLS_VERIFY, NULL, &error);
  g_assert_true (ok == (error == NULL));
  *reason = g_strdup (sd_tls_get_info (tls)->verify_error);
  g_socket_close (client, NULL);
  g_thread_join (thread);
  return ok;
}

static void
test_wildcard (void)
{
  g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL;

  /* RFC 6125: the wildcard covers exactly one left-most label. */
  if (!check ("mail.example.test", wildcard.cert_pem, wildcard.key_pem, &r1))
    g_error ("wildcard refused: %s", r1);
  g_assert_false (check ("a.mail.example.test", wildcard.cert_pem, wildcard.key_pem, &r2));
  g_assert_nonnull (strstr (r2, "name mismatch"));
  g_assert_nonnull (strstr (r2, "DNS:*.example.test"));
  g_assert_false (check ("example.test", wildcard.cert_pem, wildcard.key_pem, &r3));
  g_assert_nonnull (strstr (r3, "name mismatch"));
}

static void
test_weak_key (void)
{
  g_autofree char *reason = NULL;

  g_assert_false (check ("mail.example.test", weak.cert_pem, weak.key_pem, &reason));
  g_assert_nonnull (strstr (reason, "1024"));
}

static void
test_missing_intermediate (void)
{
  g_autofree char *chain = g_strconcat (behind_intermediate.cert_pem, intermediate.cert_pem, NULL);
  g_autofree char *r1 = NULL, *r2 = NULL;

  /* With the intermediate in the chain it verifies against the root alone... */
  g_assert_true (check ("mail.example.test", chain, behind_intermediate.key_pem, &r1));
  /* ...without it, the reason says what is likely missing. */
  g_assert_false (check ("mail.example.test", behind_intermediate.cert_pem,
                         behind_intermediate.key_pem, &r2));
  g_assert_nonnull (strstr (r2, "intermediate"));
  g_assert_nonnull (strstr (r2, "SMTP Doctor test intermediate"));
}

static void
test_client_hello_legacy (void)
{
  static const guint16 suites[] = { 0x0a0a, 0x0005, 0x000a, 0x00ff };  /* GREASE, RC4, 3DES, SCSV */
  g_autoptr(GBytes) bytes = sd_test_client_hello (0x0301, suites, G_N_ELEMENTS (suites),
                                                  "mail.example.test", FALSE);
  g_autoptr(SdTlsClientHello) hello = NULL;
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  hello = sd_tls_client_hello_parse (data, len);
  g_assert_nonnull (hello);
  g_assert_cmpuint (hello->versions->len, ==, 1);
  g_assert_cmpstr (hello->versions->pdata[0], ==, "TLS1.0");
  g_assert_cmphex (hello->max_version, ==, 0x0301);
  g_assert_cmpuint (hello->ciphers->len, ==, 3);     /* GREASE left out */
  g_assert_nonnull (strstr (hello->ciphers->pdata[0], "ARCFOUR"));
  g_assert_cmpstr (hello->ciphers->pdata[2], ==, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  g_assert_cmpstr (hello->sni, ==, "mail.example.test");
  g_assert_true (hello->only_weak_ciphers);
}

static void
test_client_hello_truncated (void)
{
  static const guint16 suites[] = { 0xc02f, 0x1301 };
  g_autoptr(GBytes) bytes = sd_test_client_hello (0x0303, suites, G_N_ELEMENTS (suites),
                                                  "x.test", FALSE);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  /* Every cut is refused or read within bounds, never past them (ASan watches). */
  for (gsize cut = 0; cut < len; cut++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, cut);
      g_autoptr(SdTlsClientHello) hello = sd_tls_client_hello_parse (copy, cut);
      /* Without extensions the hello is complete: only that cut may parse. */
      if (hello != NULL)
        g_assert_cmpuint (cut, ==, len - (2 + 4 + 5 + strlen ("x.test")));
    }
  {
    g_autoptr(SdTlsClientHello) whole = sd_tls_client_hello_parse (data, len);
    g_assert_nonnull (whole);
    g_assert_false (whole->only_weak_ciphers);
    g_assert_cmpstr (whole->versions->pdata[0], ==, "TLS1.2");
    g_assert_cmpuint (whole->versions->len, ==, 3);
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_certs ();
  g_test_add_func ("/tls/client-hello/legacy", test_client_hello_legacy);
  g_test_add_func ("/tls/client-hello/truncated", test_client_hello_truncated);
  g_test_add_func ("/tls/verify/wildcard", test_wildcard);
  g_test_add_func ("/tls/verify/weak-key", test_weak_key);
  g_test_add_func ("/tls/verify/missing-intermediate", test_missing_intermediate);
  status = g_test_run ();
  g_unlink (ca_file);
  return status;
}

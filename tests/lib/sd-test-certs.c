/* sd-test-certs.c: the certificates the scenario tests need, made once per process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sd-certgen.h"
#include "sd-test-certs.h"

#define DAY (24 * 3600)

static const char * const localhost_dns[] = { "localhost", NULL };
static const char * const localhost_ips[] = { "127.0.0.1", "::1", NULL };
static const char * const wrong_dns[] = { "wrong.example", NULL };

static SdTestCerts *certs;

static char *
fingerprint (const char *pem)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) pem, strlen (pem) };
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *hex;

  if (gnutls_x509_crt_init (&crt) < 0 ||
      gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) < 0 ||
      gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size) < 0)
    g_error ("Could not fingerprint a test certificate");
  gnutls_x509_crt_deinit (crt);

  hex = g_string_sized_new (2 * size);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

static void
make (SdTestCert          *out,
      const char          *cn,
      const char * const  *dns,
      const char * const  *ips,
      gint64               not_before,
      gint64               not_after,
      gboolean             is_ca,
      const SdTestCert    *issuer)
{
  SdCertRequest request = {
    .common_name = cn,
    .dns_names = dns,
    .ip_addresses = ips,
    .not_before = not_before,
    .not_after = not_after,
    .is_ca = is_ca,
    .key_type = SD_CERT_KEY_ECDSA_P256,
    .issuer_cert_pem = issuer ? issuer->cert_pem : NULL,
    .issuer_key_pem = issuer ? issuer->key_pem : NULL,
  };
  g_autoptr(GError) error = NULL;

  if (!sd_certificate_generate (&request, &out->cert_pem, &out->key_pem, &error))
    g_error ("Test certificate “%s”: %s", cn, error->message);
  out->sha256 = fingerprint (out->cert_pem);
}

static void
remove_ca_file (void)
{
  if (certs != NULL && certs->ca_file != NULL)
    g_unlink (certs->ca_file);
}

static gpointer
generate (gpointer data)
{
  SdTestCerts *c = g_new0 (SdTestCerts, 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  int fd;

  make (&c->ca, "SMTP Doctor Test CA", NULL, NULL, now - DAY, now + 365 * DAY, TRUE, NULL);
  make (&c->valid, "localhost", localhost_dns, localhost_ips,
        now - DAY, now + 30 * DAY, FALSE, &c->ca);
  make (&c->wrong_name, "wrong.example", wrong_dns, NULL,
        now - DAY, now + 30 * DAY, FALSE, &c->ca);
  make (&c->expired, "localhost", localhost_dns, localhost_ips,
        now - 60 * DAY, now - 30 * DAY, FALSE, &c->ca);
  make (&c->not_yet_valid, "localhost", localhost_dns, localhost_ips,
        now + 30 * DAY, now + 60 * DAY, FALSE, &c->ca);
  make (&c->self_signed, "localhost", localhost_dns, localhost_ips,
        now - DAY, now + 30 * DAY, FALSE, NULL);

  fd = g_file_open_tmp ("sd-test-ca-XXXXXX.pem", &c->ca_file, &error);
  if (fd < 0)
    g_error ("CA file: %s", error->message);
  g_close (fd, NULL);
  if (!g_file_set_contents (c->ca_file, c->ca.cert_pem, -1, &error))
    g_error ("CA file: %s", error->message);

  certs = c;
  atexit (remove_ca_file);
  return c;
}

const SdTestCerts *
sd_test_certs_get (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, generate, NULL);
}

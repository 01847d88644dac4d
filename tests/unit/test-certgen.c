/* test-certgen.c: certificates made by sd-certgen pass (or fail) GnuTLS's own checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sd-certgen.h"

#define DAY (24 * 3600)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

typedef struct {
  char *pem;
  char *key;
} Pair;

static Pair ca;

static const char * const localhost_dns[] = { "localhost", NULL };
static const char * const localhost_ips[] = { "127.0.0.1", "::1", NULL };

static gnutls_x509_crt_t
import_crt (const char *pem)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) pem, strlen (pem) };

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  return crt;
}

/* Verifies @leaf_pem alone against @anchor_pem as the only trust anchor. */
static unsigned int
verify_against (const char *leaf_pem,
                const char *anchor_pem)
{
  gnutls_x509_trust_list_t list = NULL;
  gnutls_x509_crt_t anchor = import_crt (anchor_pem);
  g_auto(gnutls_x509_crt_t) leaf = import_crt (leaf_pem);
  unsigned int status = 0;

  g_assert_cmpint (gnutls_x509_trust_list_init (&list, 0), ==, 0);
  /* The list owns the anchor from here. */
  g_assert_cmpint (gnutls_x509_trust_list_add_cas (list, &anchor, 1, 0), ==, 1);
  g_assert_cmpint (gnutls_x509_trust_list_verify_crt (list, &leaf, 1, 0, &status, NULL), ==, 0);
  gnutls_x509_trust_list_deinit (list, 1);
  return status;
}

static Pair
make_leaf (gint64      not_before,
           gint64      not_after,
           gboolean    self_signed,
           SdCertKeyType key_type)
{
  SdCertRequest request = {
    .common_name = "localhost",
    .dns_names = localhost_dns,
    .ip_addresses = localhost_ips,
    .not_before = not_before,
    .not_after = not_after,
    .is_ca = FALSE,
    .key_type = key_type,
    .issuer_cert_pem = self_signed ? NULL : ca.pem,
    .issuer_key_pem = self_signed ? NULL : ca.key,
  };
  g_autoptr(GError) error = NULL;
  Pair pair = { NULL, NULL };

  g_assert_true (sd_certificate_generate (&request, &pair.pem, &pair.key, &error));
  g_assert_no_error (error);
  return pair;
}

static void
pair_clear (Pair *pair)
{
  g_clear_pointer (&pair->pem, g_free);
  g_clear_pointer (&pair->key, g_free);
}

static void
test_ca (void)
{
  g_auto(gnutls_x509_crt_t) crt = import_crt (ca.pem);
  unsigned int critical = 0;
  unsigned int usage = 0;

  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);
  g_assert_cmpint (gnutls_x509_crt_get_ca_status (crt, &critical), >, 0);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &usage, &critical), >=, 0);
  g_assert_true (usage & GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_cmpint (gnutls_x509_crt_check_issuer (crt, crt), ==, 1);
  /* A CA verifies against itself. */
  g_assert_cmpuint (verify_against (ca.pem, ca.pem), ==, 0);
}

static void
test_leaf_chain (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair leaf = make_leaf (now - DAY, now + 30 * DAY, FALSE, SD_CERT_KEY_ECDSA_P256);
  g_auto(gnutls_x509_crt_t) crt = import_crt (leaf.pem);
  g_auto(gnutls_x509_crt_t) issuer = import_crt (ca.pem);
  guint8 aki[64], ski[64];
  size_t aki_size = sizeof aki, ski_size = sizeof ski;
  unsigned int critical = 0;
  unsigned int usage = 0;
  char oid[128];
  size_t oid_size = sizeof oid;

  g_assert_cmpuint (verify_against (leaf.pem, ca.pem), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);
  g_assert_cmpint (gnutls_x509_crt_get_ca_status (crt, &critical), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_check_issuer (crt, issuer), ==, 1);

  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &usage, &critical), >=, 0);
  g_assert_true (usage & GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_false (usage & GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (crt, 0, oid, &oid_size, &critical), ==, 0);
  g_assert_cmpstr (oid, ==, GNUTLS_KP_TLS_WWW_SERVER);

  /* The leaf's authority key id is the CA's subject key id. */
  g_assert_cmpint (gnutls_x509_crt_get_authority_key_id (crt, aki, &aki_size, &critical), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuer, ski, &ski_size, &critical), ==, 0);
  g_assert_cmpmem (aki, aki_size, ski, ski_size);

  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_ECDSA_SHA256);

  g_assert_true (gnutls_x509_crt_check_hostname2 (crt, "localhost", 0));
  g_assert_true (gnutls_x509_crt_check_hostname2 (crt, "127.0.0.1", 0));
  g_assert_true (gnutls_x509_crt_check_hostname2 (crt, "::1", 0));
  g_assert_false (gnutls_x509_crt_check_hostname2 (crt, "wrong.example", 0));
  g_assert_false (gnutls_x509_crt_check_hostname2 (crt, "127.0.0.2", 0));

  pair_clear (&leaf);
}

static void
test_rsa_leaf (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair leaf = make_leaf (now - DAY, now + DAY, FALSE, SD_CERT_KEY_RSA_2048);
  g_auto(gnutls_x509_crt_t) crt = import_crt (leaf.pem);
  unsigned int critical = 0, usage = 0, bits = 0;

  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, &bits), ==, GNUTLS_PK_RSA);
  g_assert_cmpuint (bits, ==, 2048);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &usage, &critical), >=, 0);
  g_assert_true (usage & GNUTLS_KEY_KEY_ENCIPHERMENT);
  g_assert_cmpuint (verify_against (leaf.pem, ca.pem), ==, 0);
  g_assert_true (g_str_has_prefix (leaf.key, "-----BEGIN PRIVATE KEY-----"));

  pair_clear (&leaf);
}

static void
test_expired (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair leaf = make_leaf (now - 60 * DAY, now - 30 * DAY, FALSE, SD_CERT_KEY_ECDSA_P256);
  unsigned int status = verify_against (leaf.pem, ca.pem);

  g_assert_true (status & GNUTLS_CERT_INVALID);
  g_assert_true (status & GNUTLS_CERT_EXPIRED);

  pair_clear (&leaf);
}

static void
test_not_yet_valid (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair leaf = make_leaf (now + 30 * DAY, now + 60 * DAY, FALSE, SD_CERT_KEY_ECDSA_P256);
  unsigned int status = verify_against (leaf.pem, ca.pem);

  g_assert_true (status & GNUTLS_CERT_INVALID);
  g_assert_true (status & GNUTLS_CERT_NOT_ACTIVATED);

  pair_clear (&leaf);
}

static void
test_self_signed (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair leaf = make_leaf (now - DAY, now + DAY, TRUE, SD_CERT_KEY_ECDSA_P256);
  g_auto(gnutls_x509_crt_t) crt = import_crt (leaf.pem);
  unsigned int status;

  g_assert_cmpint (gnutls_x509_crt_check_issuer (crt, crt), ==, 1);

  status = verify_against (leaf.pem, ca.pem);
  g_assert_true (status & GNUTLS_CERT_INVALID);
  g_assert_true (status & GNUTLS_CERT_SIGNER_NOT_FOUND);

  /* Trusting exactly this certificate is what a pin or an exception amounts to. */
  g_assert_cmpuint (verify_against (leaf.pem, leaf.pem), ==, 0);

  pair_clear (&leaf);
}

static void
test_serials_differ (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  Pair a = make_leaf (now - DAY, now + DAY, FALSE, SD_CERT_KEY_ECDSA_P256);
  Pair b = make_leaf (now - DAY, now + DAY, FALSE, SD_CERT_KEY_ECDSA_P256);
  g_auto(gnutls_x509_crt_t) ca_crt = import_crt (a.pem);
  g_auto(gnutls_x509_crt_t) cb_crt = import_crt (b.pem);
  guint8 sa[32], sb[32];
  size_t la = sizeof sa, lb = sizeof sb;

  g_assert_cmpint (gnutls_x509_crt_get_serial (ca_crt, sa, &la), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_serial (cb_crt, sb, &lb), ==, 0);
  g_assert_cmpuint (la, <=, 20);
  g_assert_cmpuint (sa[0] & 0x80, ==, 0);
  g_assert_false (la == lb && memcmp (sa, sb, la) == 0);

  pair_clear (&a);
  pair_clear (&b);
}

static void
test_errors (void)
{
  SdCertRequest request = {
    .common_name = "x",
    .not_before = 100,
    .not_after = 50,
  };
  const char * const bad_ips[] = { "not-an-ip", NULL };
  g_autoptr(GError) error = NULL;
  char *pem = NULL, *key = NULL;

  g_assert_false (sd_certificate_generate (&request, &pem, &key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  request.not_after = 200;
  request.ip_addresses = bad_ips;
  g_assert_false (sd_certificate_generate (&request, &pem, &key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  request.ip_addresses = NULL;
  request.issuer_cert_pem = "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n";
  request.issuer_key_pem = ca.key;
  g_assert_false (sd_certificate_generate (&request, &pem, &key, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (pem);
  g_assert_null (key);
}

int
main (int    argc,
      char **argv)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SdCertRequest ca_request = {
    .common_name = "SMTP Doctor Test CA",
    .not_before = now - DAY,
    .not_after = now + 365 * DAY,
    .is_ca = TRUE,
    .key_type = SD_CERT_KEY_ECDSA_P256,
  };
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!sd_certificate_generate (&ca_request, &ca.pem, &ca.key, &error))
    g_error ("CA: %s", error->message);

  g_test_add_func ("/core/certgen/ca", test_ca);
  g_test_add_func ("/core/certgen/leaf-chain", test_leaf_chain);
  g_test_add_func ("/core/certgen/rsa-leaf", test_rsa_leaf);
  g_test_add_func ("/core/certgen/expired", test_expired);
  g_test_add_func ("/core/certgen/not-yet-valid", test_not_yet_valid);
  g_test_add_func ("/core/certgen/self-signed", test_self_signed);
  g_test_add_func ("/core/certgen/serials-differ", test_serials_differ);
  g_test_add_func ("/core/certgen/errors", test_errors);

  ret = g_test_run ();
  pair_clear (&ca);
  return ret;
}

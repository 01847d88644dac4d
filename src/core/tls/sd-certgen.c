/* sd-certgen.c: certificates made with GnuTLS (built-in server, tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-certgen.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

/* Key identifiers are SHA-1 (20 bytes); leave room for longer ones. */
#define KEY_ID_MAX 64

static gboolean
check (int          ret,
       const char  *what,
       GError     **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               /* Translators: the step (in English, e.g. “key usage”), then GnuTLS's
                * error. */
               _("Certificate generation failed (%s): %s"), what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
generate_key (SdCertKeyType               type,
              gnutls_x509_privkey_t      *out,
              GError                    **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  gnutls_pk_algorithm_t algo;
  unsigned int bits;

  switch (type)
    {
    case SD_CERT_KEY_ECDSA_P256:
      algo = GNUTLS_PK_ECDSA;
      bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1);
      break;
    case SD_CERT_KEY_RSA_2048:
      algo = GNUTLS_PK_RSA;
      bits = 2048;
      break;
    case SD_CERT_KEY_RSA_1024:
      algo = GNUTLS_PK_RSA;
      bits = 1024;
      break;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown key type %d"), (int) type);
      return FALSE;
    }

  if (!check (gnutls_x509_privkey_init (&key), "key init", error) ||
      !check (gnutls_x509_privkey_generate (key, algo, bits, 0), "key generation", error))
    return FALSE;

  *out = g_steal_pointer (&key);
  return TRUE;
}

static gboolean
import_issuer (const SdCertRequest     *request,
               gnutls_x509_crt_t       *crt_out,
               gnutls_x509_privkey_t   *key_out,
               GError                 **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_x509_privkey_t) key = NULL;
  gnutls_datum_t crt_datum, key_datum;

  if (request->issuer_key_pem == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("An issuer certificate needs its private key"));
      return FALSE;
    }

  crt_datum.data = (unsigned char *) request->issuer_cert_pem;
  crt_datum.size = strlen (request->issuer_cert_pem);
  key_datum.data = (unsigned char *) request->issuer_key_pem;
  key_datum.size = strlen (request->issuer_key_pem);

  if (!check (gnutls_x509_crt_init (&crt), "issuer init", error) ||
      !check (gnutls_x509_crt_import (crt, &crt_datum, GNUTLS_X509_FMT_PEM),
              "issuer certificate", error) ||
      !check (gnutls_x509_privkey_init (&key), "issuer key init", error) ||
      !check (gnutls_x509_privkey_import2 (key, &key_datum, GNUTLS_X509_FMT_PEM, NULL, 0),
              "issuer key", error))
    return FALSE;

  *crt_out = g_steal_pointer (&crt);
  *key_out = g_steal_pointer (&key);
  return TRUE;
}

/* RFC 5280 wants a positive serial of at most 20 octets; random ones keep clients that
 * cache by issuer+serial from mixing up certificates of separate test runs. */
static gboolean
set_random_serial (gnutls_x509_crt_t   crt,
                   GError            **error)
{
  guint8 serial[16];

  if (!check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial", error))
    return FALSE;
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  return check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error);
}

static gboolean
set_alt_names (gnutls_x509_crt_t     crt,
               const SdCertRequest  *request,
               GError              **error)
{
  for (guint i = 0; request->dns_names != NULL && request->dns_names[i] != NULL; i++)
    {
      const char *name = request->dns_names[i];

      if (!check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME,
                                                        name, strlen (name),
                                                        GNUTLS_FSAN_APPEND),
                  "DNS name", error))
        return FALSE;
    }

  for (guint i = 0; request->ip_addresses != NULL && request->ip_addresses[i] != NULL; i++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (request->ip_addresses[i]);

      if (address == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("Not an IP address: %s"), request->ip_addresses[i]);
          return FALSE;
        }
      /* The SAN holds the address in network byte order, 4 or 16 octets. */
      if (!check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS,
                                                        g_inet_address_to_bytes (address),
                                                        g_inet_address_get_native_size (address),
                                                        GNUTLS_FSAN_APPEND),
                  "IP address", error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
set_usage (gnutls_x509_crt_t     crt,
           const SdCertRequest  *request,
           GError              **error)
{
  unsigned int usage;

  if (!check (gnutls_x509_crt_set_basic_constraints (crt, request->is_ca ? 1 : 0, -1),
              "basic constraints", error))
    return FALSE;

  if (request->is_ca)
    return check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                      GNUTLS_KEY_CRL_SIGN),
                  "key usage", error);

  usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  /* RSA key exchange (TLS 1.2 without (EC)DHE) encrypts to the key. */
  if (request->key_type != SD_CERT_KEY_ECDSA_P256)
    usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;

  return check (gnutls_x509_crt_set_key_usage (crt, usage), "key usage", error) &&
         check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                "extended key usage", error);
}

static gboolean
set_key_ids (gnutls_x509_crt_t     crt,
             gnutls_x509_privkey_t key,
             gnutls_x509_crt_t     issuer,
             GError              **error)
{
  guint8 id[KEY_ID_MAX];
  size_t id_size = sizeof id;

  if (!check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id, &id_size),
              "subject key id", error) ||
      !check (gnutls_x509_crt_set_subject_key_id (crt, id, id_size), "subject key id", error))
    return FALSE;

  /* Self-signed: the authority is the subject itself. */
  if (issuer != NULL)
    {
      unsigned int critical = 0;

      id_size = sizeof id;
      if (gnutls_x509_crt_get_subject_key_id (issuer, id, &id_size, &critical) < 0)
        {
          id_size = sizeof id;
          if (!check (gnutls_x509_crt_get_key_id (issuer, GNUTLS_KEYID_USE_SHA1, id, &id_size),
                      "issuer key id", error))
            return FALSE;
        }
    }

  return check (gnutls_x509_crt_set_authority_key_id (crt, id, id_size),
                "authority key id", error);
}

static gboolean
export_pem (gnutls_x509_crt_t       crt,
            gnutls_x509_privkey_t   key,
            char                  **cert_pem,
            char                  **key_pem,
            GError                **error)
{
  gnutls_datum_t crt_out = { NULL, 0 };
  gnutls_datum_t key_out = { NULL, 0 };

  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_out),
              "certificate export", error))
    return FALSE;
  if (!check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                 GNUTLS_PKCS_PLAIN, &key_out),
              "key export", error))
    {
      gnutls_free (crt_out.data);
      return FALSE;
    }

  *cert_pem = g_strndup ((const char *) crt_out.data, crt_out.size);
  *key_pem = g_strndup ((const char *) key_out.data, key_out.size);

  gnutls_free (crt_out.data);
  /* Don't leave the private key in freed memory. */
  memset (key_out.data, 0, key_out.size);
  gnutls_free (key_out.data);
  return TRUE;
}

gboolean
sd_certificate_generate (const SdCertRequest  *request,
                         char                **cert_pem,
                         char                **key_pem,
                         GError              **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_x509_crt_t) issuer = NULL;
  g_auto(gnutls_x509_privkey_t) issuer_key = NULL;
  const char *cn;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (cert_pem != NULL && key_pem != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (request->not_after <= request->not_before)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The certificate must end after it starts"));
      return FALSE;
    }

  if (request->issuer_cert_pem != NULL &&
      !import_issuer (request, &issuer, &issuer_key, error))
    return FALSE;

  cn = request->common_name;
  if (cn == NULL && request->dns_names != NULL)
    cn = request->dns_names[0];
  if (cn == NULL)
    cn = "SMTP Doctor";

  if (!generate_key (request->key_type, &key, error) ||
      !check (gnutls_x509_crt_init (&crt), "certificate init", error) ||
      !check (gnutls_x509_crt_set_version (crt, 3), "version", error) ||
      !set_random_serial (crt, error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                             cn, strlen (cn)),
              "common name", error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, (time_t) request->not_before),
              "not before", error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, (time_t) request->not_after),
              "not after", error) ||
      !check (gnutls_x509_crt_set_key (crt, key), "public key", error) ||
      !set_alt_names (crt, request, error) ||
      !set_usage (crt, request, error) ||
      !set_key_ids (crt, key, issuer, error))
    return FALSE;

  if (issuer != NULL)
    {
      if (!check (gnutls_x509_crt_sign2 (crt, issuer, issuer_key, GNUTLS_DIG_SHA256, 0),
                  "signature", error))
        return FALSE;
    }
  else if (!check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0),
                   "signature", error))
    return FALSE;

  return export_pem (crt, key, cert_pem, key_pem, error);
}

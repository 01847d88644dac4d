/* sd-certgen.h: certificates made with GnuTLS (built-in server, tests)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_CERT_KEY_ECDSA_P256,
  SD_CERT_KEY_RSA_2048,
  SD_CERT_KEY_RSA_1024,   /* weak, for tests */
} SdCertKeyType;

typedef struct {
  const char         *common_name;
  const char * const *dns_names;       /* NULL-terminated or NULL */
  const char * const *ip_addresses;    /* NULL-terminated or NULL, "127.0.0.1", "::1" */
  gint64              not_before;      /* unix seconds */
  gint64              not_after;
  gboolean            is_ca;
  SdCertKeyType       key_type;
  const char         *issuer_cert_pem; /* NULL: self-signed */
  const char         *issuer_key_pem;
} SdCertRequest;

/* Makes a key pair and a certificate; PEM out (transfer full). */
gboolean sd_certificate_generate (const SdCertRequest *request,
                                  char               **cert_pem,
                                  char               **key_pem,
                                  GError             **error);

G_END_DECLS

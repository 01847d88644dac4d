/* sd-test-certs.h: the certificates the scenario tests need, made once per process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char *cert_pem;
  char *key_pem;
  char *sha256;    /* of the DER certificate, lower-case hex without colons (a pin) */
} SdTestCert;

typedef struct {
  SdTestCert  ca;             /* private test CA */
  SdTestCert  valid;          /* localhost, 127.0.0.1, ::1; signed by ca */
  SdTestCert  wrong_name;     /* only wrong.example; signed by ca */
  SdTestCert  expired;        /* localhost + addresses; ended 30 days ago */
  SdTestCert  not_yet_valid;  /* localhost + addresses; starts in 30 days */
  SdTestCert  self_signed;    /* localhost + addresses; its own issuer, not a CA */
  char       *ca_file;        /* ca.cert_pem in a temporary file, removed at exit */
} SdTestCerts;

/* Generated on first use, thread-safe; aborts the test if generation fails. */
const SdTestCerts *sd_test_certs_get (void);

G_END_DECLS

/* sd-tls-client-hello.h: what a TLS client offered in its ClientHello
 *
 * The built-in server records it before the handshake goes on, so even a client whose
 * offer we refuse (TLS 1.0 only, no common cipher) shows what it can do.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPtrArray *versions;       /* (element-type utf8) "TLS1.3", "TLS1.2", … newest first */
  GPtrArray *ciphers;        /* (element-type utf8) names, or "0xC0,0x2F" when unknown */
  GPtrArray *signature_algorithms; /* (element-type utf8) "ecdsa_secp256r1_sha256", … */
  char      *sni;            /* the server name asked for, NULL if none */
  guint16    max_version;    /* 0x0301 TLS 1.0 … 0x0304 TLS 1.3 */
  gboolean   only_weak_ciphers; /* every suite offered is RC4, DES, 3DES, NULL or EXPORT */
} SdTlsClientHello;

/* Parses a ClientHello handshake body (after the 4-byte handshake header). NULL when
 * it is malformed. Bounded by @len; never reads past it. */
SdTlsClientHello *sd_tls_client_hello_parse (const guint8           *data,
                                             gsize                   len);
SdTlsClientHello *sd_tls_client_hello_copy  (const SdTlsClientHello *hello);
void              sd_tls_client_hello_free  (SdTlsClientHello       *hello);
/* "TLS1.2" for 0x0303; "0x0305" for what is not known (transfer none or static). */
const char       *sd_tls_version_name       (guint16                 version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTlsClientHello, sd_tls_client_hello_free)

G_END_DECLS

/* sd-tls.h: GnuTLS over a GSocket, client and server side
 *
 * The only file that includes gnutls.h for the record layer. Reads and writes go
 * through the GSocket (its timeout and our GCancellable apply), so it works the same
 * on Windows sockets.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-settings.h"
#include "sd-tls-client-hello.h"

G_BEGIN_DECLS

#define SD_TLS_ERROR (sd_tls_error_quark ())
GQuark sd_tls_error_quark (void);

typedef enum {
  SD_TLS_ERROR_SETUP,          /* credentials, priorities, bad CA file */
  SD_TLS_ERROR_HANDSHAKE,      /* the handshake failed (alert, no common cipher, garbage) */
  SD_TLS_ERROR_CERTIFICATE,    /* the certificate did not pass the policy */
  SD_TLS_ERROR_RECORD,         /* a read or write failed inside TLS */
  SD_TLS_ERROR_EOF,            /* closed without close_notify */
} SdTlsError;

typedef struct {
  char      *subject;
  char      *issuer;
  GPtrArray *sans;           /* (element-type utf8) "DNS:mail.example.com", "IP:127.0.0.1" */
  char      *not_before;     /* ISO 8601, UTC */
  char      *not_after;
  char      *sha256;         /* lower-case hex, no colons */
  char      *key_type;       /* "RSA", "ECDSA", "EdDSA", ... */
  guint      key_bits;
  gboolean   self_signed;
} SdCertInfo;

/* What was wrong with the certificate, for the hints: verify_error says it in words of
 * the user's language. */
typedef enum {
  SD_CERT_PROBLEM_NAME_MISMATCH  = 1 << 0,
  SD_CERT_PROBLEM_EXPIRED        = 1 << 1,
  SD_CERT_PROBLEM_UNKNOWN_ISSUER = 1 << 2,
} SdCertProblems;

typedef struct {
  char      *version;        /* "TLS1.3" */
  char      *cipher;         /* "TLS_AES_256_GCM_SHA384" */
  char      *description;    /* gnutls_session_get_desc() */
  gboolean   verified;       /* passed the chain and host name check */
  gboolean   pin_matched;    /* the leaf's SHA-256 equals the pinned one */
  char      *verify_error;   /* why not, in words; NULL when verified */
  SdCertProblems problems;
  char      *policy;         /* "verify", "accept-any", "pin" */
  GPtrArray *chain;          /* (element-type SdCertInfo) leaf first */
} SdTlsInfo;

void        sd_cert_info_free   (SdCertInfo *info);
/* One line for people: "verified", "pinned (the SHA-256 matches)", or "NOT verified: …"
 * (transfer full). */
char       *sd_tls_info_describe_verdict (const SdTlsInfo *info);
void        sd_tls_info_free    (SdTlsInfo  *info);
SdTlsInfo  *sd_tls_info_copy    (const SdTlsInfo *info);

typedef struct _SdTls SdTls;

/* @server_name: the host the user typed; sent as SNI unless it is an address literal.
 * @ca_file: PEM file of trusted CAs instead of the system store, or NULL. */
SdTls      *sd_tls_new_client   (GSocket      *socket,
                                 const char   *server_name,
                                 const char   *ca_file,
                                 GError      **error);
/* @priority: a GnuTLS priority string, NULL for the default. */
SdTls      *sd_tls_new_server   (GSocket      *socket,
                                 const char   *cert_pem,
                                 const char   *key_pem,
                                 const char   *priority,
                                 GError      **error);
void        sd_tls_free         (SdTls        *self);
/* Client: replaces the default priorities with @priority (a GnuTLS priority string), for
 * probes that offer one TLS version at a time. */
gboolean    sd_tls_set_priority (SdTls        *self,
                                 const char   *priority,
                                 GError      **error);
/* Whether this machine's GnuTLS (and its system policy) can offer @version ("TLS1.0" …
 * "TLS1.3") at all: a handshake it cannot offer proves nothing about the server. The
 * priority string that offers only that version goes to @priority (transfer full). */
gboolean    sd_tls_can_offer_version (const char  *version,
                                      char       **priority);
/* Bounds the whole handshake, however the peer paces its bytes. */
void        sd_tls_set_handshake_timeout (SdTls *self,
                                          guint  timeout_s);
gboolean    sd_tls_handshake    (SdTls        *self,
                                 GCancellable *cancellable,
                                 GError      **error);
/* Client: checks the peer's chain against @mode and records the verdict in the info.
 * FALSE (SD_TLS_ERROR_CERTIFICATE) when the policy refuses it, with the reason. */
gboolean    sd_tls_check_peer   (SdTls           *self,
                                 SdTlsVerifyMode  mode,
                                 const char      *pin,
                                 GError         **error);
/* Server: what the client offered, once its ClientHello came (also when the handshake
 * then failed); NULL before or when it was not a ClientHello (transfer full). */
SdTlsClientHello *sd_tls_get_client_hello (SdTls *self);
/* (transfer none) filled after the handshake; NULL before. */
SdTlsInfo  *sd_tls_get_info     (SdTls        *self);
/* 0 at a clean close (close_notify). */
gssize      sd_tls_read         (SdTls        *self,
                                 void         *buffer,
                                 gsize         size,
                                 GCancellable *cancellable,
                                 GError      **error);
gboolean    sd_tls_write_all    (SdTls        *self,
                                 const void   *data,
                                 gsize         size,
                                 GCancellable *cancellable,
                                 GError      **error);
/* Decrypted bytes waiting inside GnuTLS. */
gsize       sd_tls_get_pending  (SdTls        *self);
/* Sends close_notify; errors are ignored (the peer may be gone). */
void        sd_tls_close        (SdTls        *self,
                                 GCancellable *cancellable);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTls, sd_tls_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTlsInfo, sd_tls_info_free)

G_END_DECLS

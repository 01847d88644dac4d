/* sd-test-raw.h: a raw SMTP client for tests, for what our client would never do
 *
 * Blocking, 10 s timeouts, 127.0.0.1 only; failures abort the test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  GSocketConnection *conn;
  GByteArray        *in;
} Raw;

Raw  *raw_connect  (guint16     port);
void  raw_free     (Raw        *raw);
void  raw_send     (Raw        *raw,
                    const void *data,
                    gsize       len);
void  raw_send_str (Raw        *raw,
                    const char *text);
/* The next complete reply (all its lines), or NULL at EOF (transfer full). */
char *raw_reply    (Raw        *raw);
/* The next reply starts with @prefix. */
void  raw_expect   (Raw        *raw,
                    const char *prefix);

/* Runs the default main context until @array holds @n items (bounded: 20 s). */
void  sd_test_wait_len (GPtrArray  *array,
                        guint       n);

/* A ClientHello handshake body (no handshake header) offering @version (0x0301 for
 * TLS 1.0) and the @n_suites suites, without supported_versions, with @sni if not NULL.
 * With @record, wrapped in a handshake header and a TLS record, ready for the wire. */
GBytes *sd_test_client_hello (guint16        version,
                              const guint16 *suites,
                              guint          n_suites,
                              const char    *sni,
                              gboolean       record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

G_END_DECLS

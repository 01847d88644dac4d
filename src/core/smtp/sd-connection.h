/* sd-connection.h: a TCP connection, plain or inside TLS, with the reply parser on top
 *
 * Used by the client session and by the servers; the one place that moves bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-tls.h"

G_BEGIN_DECLS

typedef struct _SdConnection SdConnection;

/* Takes a ref on @socket; sets TCP_NODELAY and @timeout_s on it. */
SdConnection *sd_connection_new            (GSocket       *socket,
                                            guint          timeout_s);
void          sd_connection_free           (SdConnection  *self);
GSocket      *sd_connection_get_socket     (SdConnection  *self);
/* Wraps the connection in @tls (takes ownership); later reads and writes go through it. */
void          sd_connection_set_tls        (SdConnection  *self,
                                            SdTls         *tls);
SdTls        *sd_connection_get_tls        (SdConnection  *self);
/* Reads what is there (blocking until at least one byte, EOF or the timeout).
 * Returns the number of bytes, 0 at EOF. */
gssize        sd_connection_read           (SdConnection  *self,
                                            char          *buffer,
                                            gsize          size,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* One write for the whole buffer, so a command group leaves in one segment. */
gboolean      sd_connection_write_all      (SdConnection  *self,
                                            const void    *data,
                                            gsize          size,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Whether bytes are waiting: in TLS's buffer, or on the socket right now. */
gboolean      sd_connection_has_pending    (SdConnection  *self);
void          sd_connection_close          (SdConnection  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdConnection, sd_connection_free)

G_END_DECLS

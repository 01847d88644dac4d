/* sd-connection.c: moving bytes, plain or inside TLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gnetworking.h>

#include "sd-connection.h"

struct _SdConnection {
  GSocket *socket;
  SdTls   *tls;
};

/* Linux delays ACKs unless asked; a peer that writes a reply in two pieces without
 * TCP_NODELAY would then wait 40 ms for us. The flag wears off, so it is renewed before
 * each read. Elsewhere this is a no-op. */
static void
sd_connection_quickack (SdConnection *self)
{
#ifdef TCP_QUICKACK
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_QUICKACK, 1, NULL);
#endif
}

SdConnection *
sd_connection_new (GSocket *socket,
                   guint    timeout_s)
{
  SdConnection *self = g_new0 (SdConnection, 1);
  g_autoptr(GError) error = NULL;

  self->socket = g_object_ref (socket);
  g_socket_set_blocking (socket, TRUE);
  g_socket_set_timeout (socket, timeout_s);
  /* A command group goes out in one write; Nagle would only hold it back. */
  if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    g_debug ("TCP_NODELAY: %s", error->message);
  return self;
}

void
sd_connection_free (SdConnection *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->tls, sd_tls_free);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_free (self);
}

GSocket *
sd_connection_get_socket (SdConnection *self)
{
  return self->socket;
}

void
sd_connection_set_tls (SdConnection *self,
                       SdTls        *tls)
{
  g_clear_pointer (&self->tls, sd_tls_free);
  self->tls = tls;
}

SdTls *
sd_connection_get_tls (SdConnection *self)
{
  return self->tls;
}

gssize
sd_connection_read (SdConnection  *self,
                    char          *buffer,
                    gsize          size,
                    GCancellable  *cancellable,
                    GError       **error)
{
  sd_connection_quickack (self);
  if (self->tls != NULL)
    return sd_tls_read (self->tls, buffer, size, cancellable, error);
  return g_socket_receive (self->socket, buffer, size, cancellable, error);
}

gboolean
sd_connection_write_all (SdConnection  *self,
                         const void    *data,
                         gsize          size,
                         GCancellable  *cancellable,
                         GError       **error)
{
  const char *p = data;

  if (self->tls != NULL)
    return sd_tls_write_all (self->tls, data, size, cancellable, error);

  while (size > 0)
    {
      gssize n = g_socket_send (self->socket, p, size, cancellable, error);
      if (n < 0)
        return FALSE;
      p += n;
      size -= n;
    }
  return TRUE;
}

gboolean
sd_connection_has_pending (SdConnection *self)
{
  if (self->tls != NULL && sd_tls_get_pending (self->tls) > 0)
    return TRUE;
  return (g_socket_condition_check (self->socket, G_IO_IN) & G_IO_IN) != 0;
}

void
sd_connection_close (SdConnection *self)
{
  if (self->tls != NULL)
    sd_tls_close (self->tls, NULL);
  g_socket_close (self->socket, NULL);
}

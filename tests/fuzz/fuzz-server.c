/* fuzz-server.c: libFuzzer harness for the built-in server's command parser and session
 *
 * One server on 127.0.0.1 for the whole run; the connector comes from the first byte of
 * each input, so every product's replies and policies are reached. The rest is what a
 * client sends, written at once, then the client's side is shut: the session must end
 * (EOF), with no crash, no leak, no password in its record.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd-server.h"
#include "sd-server-connector.h"

#define PASSWORD "pw-Zq8!never-shown"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static SdServer *servers[16];
static guint     n_connectors;
static char     *last_json;

static void
on_finished (SdServer        *server,
             guint            id,
             SdServerSession *session,
             gpointer         user_data)
{
  g_free (last_json);
  last_json = sd_server_session_to_json (session);
}

static SdServer *
server_for (guint index)
{
  const SdServerConnector * const *connectors = sd_server_connectors ();

  if (n_connectors == 0)
    while (connectors[n_connectors] != NULL && n_connectors < G_N_ELEMENTS (servers))
      n_connectors++;
  index %= n_connectors;
  if (servers[index] == NULL)
    {
      g_autoptr(SdServerConfig) config = sd_server_config_new ();
      g_autoptr(GError) error = NULL;

      /* STARTTLS off: bytes after it would only meet a failing handshake. */
      if (!sd_server_config_apply_connector (config, connectors[index]->name, &error))
        abort ();
      config->starttls = FALSE;
      config->port = 0;
      config->idle_timeout_s = 2;
      config->greylist = TRUE;
      config->max_size = 4096;
      sd_server_config_add_account (config, "user", PASSWORD);
      servers[index] = sd_server_new (config);
      g_signal_connect (servers[index], "session-finished", G_CALLBACK (on_finished), NULL);
      if (!sd_server_start (servers[index], &error))
        abort ();
    }
  return servers[index];
}

/* The input may hold NULs: a byte search, not strstr. */
static gboolean
contains (const uint8_t *data,
          size_t         size,
          const char    *needle)
{
  gsize len = strlen (needle);

  for (gsize i = 0; i + len <= size; i++)
    if (memcmp (data + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  SdServer *server;
  GSocket *socket;
  char buffer[4096];
  guint before;

  if (size == 0)
    return 0;
  server = server_for (data[0]);
  before = sd_server_get_n_sessions (server);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", sd_server_get_port (server),
                                          NULL, NULL);
  if (conn == NULL)
    abort ();
  socket = g_socket_connection_get_socket (conn);
  g_socket_set_timeout (socket, 5);
  g_socket_send (socket, (const char *) data + 1, size - 1, NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
    ;
  g_socket_close (socket, NULL);

  /* The record arrives on this thread's main context; wait for it (bounded). */
  g_clear_pointer (&last_json, g_free);
  for (guint i = 0; i < 5000 && (last_json == NULL || sd_server_get_n_active (server) > 0); i++)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  if (sd_server_get_n_sessions (server) != before + 1 || last_json == NULL)
    abort ();
  if (strstr (last_json, PASSWORD) != NULL && !contains (data, size, PASSWORD))
    abort ();
  return 0;
}

/* fuzz-session.c: libFuzzer harness for a whole client session against scripted replies
 *
 * The input is a list of server writes separated by 0xFF. A server thread on 127.0.0.1
 * sends the first one as the greeting and each next one after a line from the client
 * (or after 5 ms of silence, so no input can deadlock the run), then closes. The
 * client runs a full plain-text session with AUTH allowed in clear, so every stage can
 * be reached. Whatever comes back: no crash, no leak, no password in any rendering.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd-hints.h"
#include "sd-session.h"

#define PASSWORD "pw-Zq8!never-shown"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct {
  GSocket      *listener;
  const guint8 *data;
  gsize         size;
} Script;

static GSocket *listener;
static guint16  listener_port;

static void
setup_listener (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (listener == NULL || !g_socket_bind (listener, any, TRUE, NULL) ||
      !g_socket_listen (listener, NULL))
    abort ();
  bound = g_socket_get_local_address (listener, NULL);
  listener_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Reads what the client sent within 5 ms; FALSE once it has gone. */
static gboolean
drain_client (GSocket *client)
{
  char buffer[4096];

  while (g_socket_condition_timed_wait (client, G_IO_IN, 5 * 1000, NULL, NULL))
    {
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        return FALSE;
      if (memchr (buffer, '\n', n) != NULL)
        return TRUE;
    }
  return TRUE;
}

static gpointer
serve (gpointer user_data)
{
  Script *script = user_data;
  g_autoptr(GSocket) client = g_socket_accept (script->listener, NULL, NULL);
  const guint8 *p = script->data, *end = script->data + script->size;

  if (client == NULL)
    return NULL;
  g_socket_set_blocking (client, TRUE);
  g_socket_set_timeout (client, 2);
  while (p <= end)
    {
      const guint8 *sep = memchr (p, 0xff, end - p);
      const guint8 *stop = sep != NULL ? sep : end;

      if (stop > p && g_socket_send (client, (const char *) p, stop - p, NULL, NULL) < 0)
        break;
      p = stop + 1;
      if (!drain_client (client))
        break;
    }
  g_socket_close (client, NULL);
  return NULL;
}

/* The password may show up only if the server itself wrote it. */
static void
check_no_password (const char    *text,
                   const uint8_t *data,
                   size_t         size)
{
  gsize len = strlen (PASSWORD);

  for (gsize i = 0; i + len <= size; i++)
    if (memcmp (data + i, PASSWORD, len) == 0)
      return;
  if (text != NULL && strstr (text, PASSWORD) != NULL)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autoptr(SdSession) session = NULL;
  g_autoptr(SdReport) report = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  Script script = { NULL, data, size };
  GThread *thread;

  if (listener == NULL)
    setup_listener ();
  script.listener = listener;

  settings->host = g_strdup ("127.0.0.1");
  settings->port = listener_port;
  settings->security = SD_SECURITY_NONE;
  settings->allow_plaintext_auth = TRUE;
  settings->user = g_strdup ("user");
  settings->password = g_strdup (PASSWORD);
  settings->from = g_strdup ("a@example.test");
  settings->to = g_strsplit ("b@example.test,c@example.test", ",", -1);
  settings->timeout_s = 1;

  thread = g_thread_new ("fuzz-server", serve, &script);
  session = sd_session_new (settings);
  report = sd_session_run (session, NULL, NULL, NULL);
  g_thread_join (thread);

  if (report == NULL || (report->ok == (report->error != NULL)))
    abort ();
  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  text = sd_report_to_text (report, report->hints);
  json = sd_report_to_json (report, report->hints);
  check_no_password (text, data, size);
  check_no_password (json, data, size);
  return 0;
}

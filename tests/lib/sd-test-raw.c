/* sd-test-raw.c: a raw SMTP client for tests, for what our client would never do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-test-raw.h"

Raw *
raw_connect (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Raw *raw = g_new0 (Raw, 1);

  g_socket_client_set_timeout (client, 10);
  raw->conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  raw->in = g_byte_array_new ();
  return raw;
}

void
raw_free (Raw *raw)
{
  g_io_stream_close (G_IO_STREAM (raw->conn), NULL, NULL);
  g_object_unref (raw->conn);
  g_byte_array_unref (raw->in);
  g_free (raw);
}

void
raw_send (Raw        *raw,
          const void *data,
          gsize       len)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (raw->conn));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, data, len, NULL, NULL, &error);
  g_assert_no_error (error);
}

void
raw_send_str (Raw        *raw,
              const char *text)
{
  raw_send (raw, text, strlen (text));
}

/* The next complete reply (all its lines), or NULL at EOF. */
char *
raw_reply (Raw *raw)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (raw->conn));

  for (;;)
    {
      /* A reply ends with a line "NNN " (not "NNN-"). */
      gsize start = 0;
      for (gsize i = 0; i < raw->in->len; i++)
        if (raw->in->data[i] == '\n')
          {
            if (i - start >= 4 && raw->in->data[start + 3] == ' ')
              {
                char *reply = g_strndup ((const char *) raw->in->data, i + 1);
                g_byte_array_remove_range (raw->in, 0, i + 1);
                return reply;
              }
            start = i + 1;
          }
      {
        guint8 buffer[4096];
        g_autoptr(GError) error = NULL;
        gssize n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);
        if (n <= 0)
          return NULL;
        g_byte_array_append (raw->in, buffer, n);
      }
    }
}

void
raw_expect (Raw        *raw,
            const char *prefix)
{
  g_autofree char *reply = raw_reply (raw);

  g_assert_nonnull (reply);
  if (!g_str_has_prefix (reply, prefix))
    g_error ("expected \"%s\", got \"%s\"", prefix, reply);
}

void
sd_test_wait_len (GPtrArray *array,
                  guint      n)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (array->len < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  g_assert_cmpuint (array->len, >=, n);
}

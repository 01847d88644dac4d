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

static void
put_u16 (GByteArray *out,
         guint       value)
{
  guint8 b[2] = { value >> 8, value & 0xff };
  g_byte_array_append (out, b, 2);
}

static void
put_u24 (GByteArray *out,
         guint       value)
{
  guint8 b[3] = { value >> 16, (value >> 8) & 0xff, value & 0xff };
  g_byte_array_append (out, b, 3);
}

GBytes *
sd_test_client_hello (guint16        version,
                      const guint16 *suites,
                      guint          n_suites,
                      const char    *sni,
                      gboolean       record)
{
  GByteArray *body = g_byte_array_new ();
  GByteArray *wire;
  guint8 random[32], zero = 0, one = 1;

  memset (random, 0x11, sizeof random);
  put_u16 (body, version);
  g_byte_array_append (body, random, sizeof random);
  g_byte_array_append (body, &zero, 1);                  /* no session id */
  put_u16 (body, n_suites * 2);
  for (guint i = 0; i < n_suites; i++)
    put_u16 (body, suites[i]);
  g_byte_array_append (body, &one, 1);                   /* compression: null */
  g_byte_array_append (body, &zero, 1);
  if (sni != NULL)
    {
      guint n = strlen (sni);
      put_u16 (body, 4 + 5 + n);                         /* extensions */
      put_u16 (body, 0);                                 /* server_name */
      put_u16 (body, 5 + n);
      put_u16 (body, 3 + n);
      g_byte_array_append (body, &zero, 1);              /* host_name */
      put_u16 (body, n);
      g_byte_array_append (body, (const guint8 *) sni, n);
    }
  if (!record)
    return g_byte_array_free_to_bytes (body);

  wire = g_byte_array_new ();
  g_byte_array_append (wire, (const guint8 []) { 0x16, 0x03, 0x01 }, 3);
  put_u16 (wire, body->len + 4);
  g_byte_array_append (wire, &one, 1);                   /* client_hello */
  put_u24 (wire, body->len);
  g_byte_array_append (wire, body->data, body->len);
  g_byte_array_unref (body);
  return g_byte_array_free_to_bytes (wire);
}

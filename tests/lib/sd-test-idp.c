/* sd-test-idp.c: a scripted OAuth identity provider on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sd-test-idp.h"

#define MAX_HEADER_LINES 64
#define MAX_BODY (64 * 1024)

typedef struct {
  char  *suffix;
  guint  status;
  char  *body;
} Answer;

struct _SdTestIdp {
  GSocketService *service;
  /* Accepting runs on a thread of its own, so tests may block the main one. */
  GMainContext   *context;
  GMainLoop      *loop;
  GThread        *thread;
  char           *base;
  GMutex          lock;
  GQueue          answers;   /* (element-type Answer) */
  GPtrArray      *requests;  /* (element-type SdTestIdpRequest) */
};

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_free (answer->suffix);
  g_free (answer->body);
  g_free (answer);
}

static void
request_free (gpointer data)
{
  SdTestIdpRequest *request = data;

  g_free (request->path);
  g_free (request->body);
  g_free (request);
}

/* The next queued answer for @path, or NULL; records the request. */
static Answer *
sd_take_answer (SdTestIdp  *idp,
                const char *path,
                const char *body)
{
  SdTestIdpRequest *request = g_new0 (SdTestIdpRequest, 1);
  Answer *found = NULL;

  request->path = g_strdup (path);
  request->body = g_strdup (body);
  request->at_us = g_get_monotonic_time ();
  g_mutex_lock (&idp->lock);
  g_ptr_array_add (idp->requests, request);
  for (GList *l = idp->answers.head; l != NULL; l = l->next)
    {
      Answer *answer = l->data;
      if (g_str_has_suffix (path, answer->suffix))
        {
          found = answer;
          g_queue_delete_link (&idp->answers, l);
          break;
        }
    }
  g_mutex_unlock (&idp->lock);
  return found;
}

/* Reads "POST /path HTTP/1.1", the headers and Content-Length bytes of body. */
static gboolean
sd_read_request (GInputStream  *in,
                 char         **path,
                 char         **body)
{
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *first = NULL;
  g_auto(GStrv) words = NULL;
  guint64 length = 0;
  gsize got = 0;

  g_data_input_stream_set_newline_type (data, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  first = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  if (first == NULL)
    return FALSE;
  words = g_strsplit (first, " ", 3);
  if (g_strv_length (words) != 3 || !g_str_equal (words[0], "POST"))
    return FALSE;
  for (guint i = 0; i < MAX_HEADER_LINES; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
      if (line == NULL)
        return FALSE;
      if (*line == '\0')
        break;
      if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (line + 15, NULL, 10);
    }
  if (length > MAX_BODY)
    return FALSE;
  *body = g_malloc0 (length + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (data), *body, length, &got, NULL, NULL) ||
      got != length)
    {
      g_clear_pointer (body, g_free);
      return FALSE;
    }
  *path = g_strdup (words[1]);
  return TRUE;
}

static gboolean
sd_on_connection (GThreadedSocketService *service,
                  GSocketConnection      *connection,
                  GObject                *source,
                  gpointer                user_data)
{
  SdTestIdp *idp = user_data;
  GIOStream *stream = G_IO_STREAM (connection);
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *reply = NULL;
  Answer *answer;

  if (!sd_read_request (g_io_stream_get_input_stream (stream), &path, &body))
    return TRUE;
  answer = sd_take_answer (idp, path, body);
  {
    guint status = answer != NULL ? answer->status : 500;
    const char *text = answer != NULL ? answer->body : "{\"error\":\"server_error\"}";
    reply = g_strdup_printf ("HTTP/1.1 %u Scripted\r\nContent-Type: application/json\r\n"
                             "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                             status, strlen (text), text);
  }
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), reply, strlen (reply),
                             NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  if (answer != NULL)
    answer_free (answer);
  return TRUE;
}

static gpointer
sd_idp_thread (gpointer data)
{
  SdTestIdp *idp = data;

  g_main_context_push_thread_default (idp->context);
  g_main_loop_run (idp->loop);
  g_main_context_pop_thread_default (idp->context);
  return NULL;
}

static gboolean
sd_idp_stop (gpointer data)
{
  SdTestIdp *idp = data;

  g_socket_service_stop (idp->service);
  g_socket_listener_close (G_SOCKET_LISTENER (idp->service));
  g_main_loop_quit (idp->loop);
  return G_SOURCE_REMOVE;
}

SdTestIdp *
sd_test_idp_new (void)
{
  SdTestIdp *idp = g_new0 (SdTestIdp, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_mutex_init (&idp->lock);
  g_queue_init (&idp->answers);
  idp->requests = g_ptr_array_new_with_free_func (request_free);
  idp->context = g_main_context_new ();
  idp->loop = g_main_loop_new (idp->context, FALSE);
  /* A new service accepts at once, on the thread-default context of the time. */
  g_main_context_push_thread_default (idp->context);
  idp->service = g_threaded_socket_service_new (4);
  g_socket_listener_add_address (G_SOCKET_LISTENER (idp->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &bound, &error);
  g_assert_no_error (error);
  idp->base = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (idp->service, "run", G_CALLBACK (sd_on_connection), idp);
  g_socket_service_start (idp->service);
  g_main_context_pop_thread_default (idp->context);
  idp->thread = g_thread_new ("test-idp", sd_idp_thread, idp);
  return idp;
}

void
sd_test_idp_free (SdTestIdp *idp)
{
  g_main_context_invoke (idp->context, sd_idp_stop, idp);
  g_thread_join (idp->thread);
  g_main_loop_unref (idp->loop);
  g_main_context_unref (idp->context);
  /* Every request a test made has been answered by now: no handler still runs. */
  g_object_unref (idp->service);
  g_queue_clear_full (&idp->answers, answer_free);
  g_ptr_array_unref (idp->requests);
  g_mutex_clear (&idp->lock);
  g_free (idp->base);
  g_free (idp);
}

const char *
sd_test_idp_get_base (SdTestIdp *idp)
{
  return idp->base;
}

void
sd_test_idp_push (SdTestIdp  *idp,
                  const char *suffix,
                  guint       status,
                  const char *body)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->suffix = g_strdup (suffix);
  answer->status = status;
  answer->body = g_strdup (body);
  g_mutex_lock (&idp->lock);
  g_queue_push_tail (&idp->answers, answer);
  g_mutex_unlock (&idp->lock);
}

guint
sd_test_idp_count (SdTestIdp  *idp,
                   const char *suffix)
{
  guint count = 0;

  g_mutex_lock (&idp->lock);
  for (guint i = 0; i < idp->requests->len; i++)
    count += g_str_has_suffix (((SdTestIdpRequest *) idp->requests->pdata[i])->path, suffix);
  g_mutex_unlock (&idp->lock);
  return count;
}

const SdTestIdpRequest *
sd_test_idp_get_request (SdTestIdp  *idp,
                         const char *suffix,
                         guint       n)
{
  const SdTestIdpRequest *found = NULL;

  g_mutex_lock (&idp->lock);
  for (guint i = 0; i < idp->requests->len && found == NULL; i++)
    {
      const SdTestIdpRequest *request = idp->requests->pdata[i];
      if (g_str_has_suffix (request->path, suffix) && n-- == 0)
        found = request;
    }
  g_mutex_unlock (&idp->lock);
  return found;
}

gboolean
sd_test_idp_form_has (const char *body,
                      const char *name,
                      const char *value)
{
  g_auto(GStrv) pairs = g_strsplit (body, "&", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *decoded = NULL;

      if (eq == NULL)
        continue;
      key = g_uri_unescape_segment (pairs[i], eq, NULL);
      decoded = g_uri_unescape_string (eq + 1, NULL);
      if (g_strcmp0 (key, name) == 0 && g_strcmp0 (decoded, value) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
sd_base64url (const char *text)
{
  char *b64 = g_base64_encode ((const guchar *) text, strlen (text));

  g_strdelimit (b64, "+", '-');
  g_strdelimit (b64, "/", '_');
  for (char *end = b64 + strlen (b64); end > b64 && end[-1] == '='; end--)
    end[-1] = '\0';
  return b64;
}

char *
sd_test_idp_make_jwt (const char *payload_json)
{
  g_autofree char *header = sd_base64url ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
  g_autofree char *payload = sd_base64url (payload_json);

  return g_strdup_printf ("%s.%s.c2lnbmF0dXJl", header, payload);
}

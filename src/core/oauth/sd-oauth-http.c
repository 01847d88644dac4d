/* sd-oauth-http.c: form POSTs to an identity provider through libcurl
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n-lib.h>

#include "sd-oauth-private.h"
#include "sd-secret.h"

/* Token answers are a few KiB; anything much larger is not one. */
#define SD_OAUTH_MAX_ANSWER (256 * 1024)
#define SD_OAUTH_CONNECT_TIMEOUT_S 15
#define SD_OAUTH_REQUEST_TIMEOUT_S 30

typedef struct {
  GString      *body;         /* sized for usual answers, so it rarely moves */
  GCancellable *cancellable;
  gboolean      too_long;
} Transfer;

void
sd_oauth_init (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

static size_t
sd_on_data (char *data, size_t size, size_t count, void *user_data)
{
  Transfer *transfer = user_data;
  gsize len = size * count;

  if (transfer->body->len + len > SD_OAUTH_MAX_ANSWER)
    {
      transfer->too_long = TRUE;
      return 0;
    }
  g_string_append_len (transfer->body, data, len);
  return len;
}

/* libcurl calls this about once a second even when nothing moves: our cancel check. */
static int
sd_on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                curl_off_t ulnow)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

/* name=value&… with both sides escaped; the caller wipes it (it holds secrets). */
static char *
sd_encode_form (CURL *curl, const char * const *fields)
{
  gsize needed = 1;
  GString *form;

  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    needed += 3 * (strlen (fields[i]) + strlen (fields[i + 1])) + 2;
  /* Sized once: a GString that grows leaves unwiped copies behind. */
  form = g_string_sized_new (needed);
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      char *name = curl_easy_escape (curl, fields[i], 0);
      char *value = curl_easy_escape (curl, fields[i + 1], 0);

      if (form->len > 0)
        g_string_append_c (form, '&');
      g_string_append (form, name);
      g_string_append_c (form, '=');
      g_string_append (form, value);
      sd_secret_wipe (value, strlen (value));
      curl_free (name);
      curl_free (value);
    }
  return g_string_free (form, FALSE);
}

static gboolean
sd_check_result (CURLcode       code,
                 const Transfer *transfer,
                 const char     *curl_message,
                 GError        **error)
{
  if (code == CURLE_OK)
    return TRUE;
  if (code == CURLE_ABORTED_BY_CALLBACK)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sign-in cancelled"));
  else if (transfer->too_long)
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                 _("The identity provider's answer is too long (more than %d bytes)"),
                 SD_OAUTH_MAX_ANSWER);
  else
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NETWORK,
                 _("Could not reach the identity provider: %s"),
                 *curl_message != '\0' ? curl_message : curl_easy_strerror (code));
  return FALSE;
}

static json_t *
sd_parse_answer (const GString  *body,
                 long            status,
                 GError        **error)
{
  json_error_t json_error;
  json_t *answer = json_loadb (body->str, body->len, JSON_REJECT_DUPLICATES, &json_error);

  if (answer == NULL || !json_is_object (answer))
    {
      /* Never quote the body: a half-readable answer may still hold a token. */
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                   _("The identity provider answered HTTP %ld with something that is not a "
                     "JSON object"), status);
      _sd_oauth_json_free (answer);
      return NULL;
    }
  return answer;
}

json_t *
_sd_oauth_http_post (const char          *url,
                     const char * const  *fields,
                     gboolean             allow_http,
                     GCancellable        *cancellable,
                     long                *status,
                     GError             **error)
{
  char curl_message[CURL_ERROR_SIZE] = "";
  Transfer transfer = { g_string_sized_new (64 * 1024), cancellable, FALSE };
  struct curl_slist *headers = NULL;
  json_t *answer = NULL;
  char *form;
  CURLcode code;
  CURL *curl;

  sd_oauth_init ();   /* in case the program did not */
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NETWORK,
                           _("Could not start an HTTP request"));
      g_string_free (transfer.body, TRUE);
      return NULL;
    }
  form = sd_encode_form (curl, fields);
  headers = curl_slist_append (headers, "Accept: application/json");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, allow_http ? "http,https" : "https");
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) SD_OAUTH_CONNECT_TIMEOUT_S);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) SD_OAUTH_REQUEST_TIMEOUT_S);
#ifdef G_OS_WIN32
  /* No CA bundle file on Windows: trust what the system trusts. */
  curl_easy_setopt (curl, CURLOPT_SSL_OPTIONS, (long) CURLSSLOPT_NATIVE_CA);
#endif
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_message);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "smtp-doctor/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, form);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, sd_on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, sd_on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);

  code = g_cancellable_is_cancelled (cancellable) ? CURLE_ABORTED_BY_CALLBACK
                                                  : curl_easy_perform (curl);
  *status = 0;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  if (sd_check_result (code, &transfer, curl_message, error))
    answer = sd_parse_answer (transfer.body, *status, error);

  sd_secret_free (form);
  sd_secret_wipe (transfer.body->str, transfer.body->len);
  g_string_free (transfer.body, TRUE);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return answer;
}

void
_sd_oauth_json_free (json_t *answer)
{
  const char *secrets[] = { "access_token", "refresh_token", "id_token", "device_code",
                            "client_secret" };

  if (answer == NULL)
    return;
  /* Jansson frees without wiping; these values are ours to overwrite before it does. */
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      json_t *value = json_object_get (answer, secrets[i]);
      if (json_is_string (value))
        sd_secret_wipe ((char *) json_string_value (value), json_string_length (value));
    }
  json_decref (answer);
}

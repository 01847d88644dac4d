/* sd-oauth-curl.c: the HTTP module, form POSTs through libcurl
 *
 * Built as a module of its own (sd-oauth-curl.so / .dll) so that libcurl and what it
 * brings (its TLS, SSH, LDAP, HTTP/2 libraries...) load only for OAuth sign-ins and
 * renewals, not for every session (sd-oauth-http.c loads it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gmodule.h>
#include <curl/curl.h>

#include "sd-oauth-http-module.h"

#define SD_OAUTH_CONNECT_TIMEOUT_S 15
#define SD_OAUTH_REQUEST_TIMEOUT_S 30

G_STATIC_ASSERT (SD_OAUTH_HTTP_MESSAGE_SIZE >= CURL_ERROR_SIZE);

typedef struct {
  GString      *body;
  gsize         max_answer;
  GCancellable *cancellable;
  gboolean      too_long;
} Transfer;

static void
sd_curl_init (void)
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

  if (transfer->body->len + len > transfer->max_answer)
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

static SdOAuthHttpOutcome
sd_curl_post (const char   *url,
              const char   *form,
              gboolean      allow_http,
              const char   *user_agent,
              GCancellable *cancellable,
              gsize         max_answer,
              GString      *body,
              long         *status,
              char         *message)
{
  Transfer transfer = { body, max_answer, cancellable, FALSE };
  struct curl_slist *headers = NULL;
  CURLcode code;
  CURL *curl;

  *status = 0;
  message[0] = '\0';
  sd_curl_init ();   /* in case the program did not */
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_strlcpy (message, curl_easy_strerror (CURLE_FAILED_INIT), SD_OAUTH_HTTP_MESSAGE_SIZE);
      return SD_OAUTH_HTTP_FAILED;
    }
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
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, message);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, user_agent);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, form);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, sd_on_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, sd_on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);

  code = g_cancellable_is_cancelled (cancellable) ? CURLE_ABORTED_BY_CALLBACK
                                                  : curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);

  if (code == CURLE_OK)
    return SD_OAUTH_HTTP_DONE;
  if (code == CURLE_ABORTED_BY_CALLBACK)
    return SD_OAUTH_HTTP_CANCELLED;
  if (transfer.too_long)
    return SD_OAUTH_HTTP_TOO_LONG;
  if (message[0] == '\0')
    g_strlcpy (message, curl_easy_strerror (code), SD_OAUTH_HTTP_MESSAGE_SIZE);
  return SD_OAUTH_HTTP_FAILED;
}

static const SdOAuthHttpModule sd_curl_module = {
  SD_OAUTH_HTTP_ABI, sd_curl_init, sd_curl_post,
};

G_MODULE_EXPORT const SdOAuthHttpModule *
sd_oauth_http_module_get (void)
{
  return &sd_curl_module;
}

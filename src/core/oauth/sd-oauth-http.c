/* sd-oauth-http.c: form POSTs to an identity provider, through the HTTP module
 *
 * libcurl lives in the module sd-oauth-curl (sd-oauth-curl.c), loaded on the first
 * sign-in or renewal: a session without OAuth never loads it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-module-private.h"
#include "sd-oauth-http-module.h"
#include "sd-oauth-private.h"
#include "sd-secret.h"

/* Token answers are a few KiB; anything much larger is not one. */
#define SD_OAUTH_MAX_ANSWER (256 * 1024)

static const SdOAuthHttpModule *
sd_oauth_http_module (GError **error)
{
  return _sd_module_get (SD_OAUTH_HTTP_MODULE, SD_OAUTH_HTTP_SYMBOL, SD_OAUTH_HTTP_ABI, error);
}

void
sd_oauth_init (void)
{
  const SdOAuthHttpModule *http = sd_oauth_http_module (NULL);

  /* Without the module every request says why; nothing to set up. */
  if (http != NULL)
    http->init ();
}

/* Unreserved characters stay, the rest becomes %XX (RFC 3986, as curl_easy_escape). */
static void
sd_append_escaped (GString    *form,
                   const char *text)
{
  static const char hex[] = "0123456789ABCDEF";

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("-._~", *p) != NULL)
        g_string_append_c (form, *p);
      else
        {
          g_string_append_c (form, '%');
          g_string_append_c (form, hex[*p >> 4]);
          g_string_append_c (form, hex[*p & 0xf]);
        }
    }
}

/* name=value&… with both sides escaped; the caller wipes it (it holds secrets). */
static char *
sd_encode_form (const char * const *fields)
{
  gsize needed = 1;
  GString *form;

  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    needed += 3 * (strlen (fields[i]) + strlen (fields[i + 1])) + 2;
  /* Sized once: a GString that grows leaves unwiped copies behind. */
  form = g_string_sized_new (needed);
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    {
      if (form->len > 0)
        g_string_append_c (form, '&');
      sd_append_escaped (form, fields[i]);
      g_string_append_c (form, '=');
      sd_append_escaped (form, fields[i + 1]);
    }
  return g_string_free (form, FALSE);
}

static gboolean
sd_check_outcome (SdOAuthHttpOutcome  outcome,
                  const char         *message,
                  GError            **error)
{
  switch (outcome)
    {
    case SD_OAUTH_HTTP_DONE:
      return TRUE;
    case SD_OAUTH_HTTP_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sign-in cancelled"));
      return FALSE;
    case SD_OAUTH_HTTP_TOO_LONG:
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                   _("The identity provider's answer is too long (more than %d bytes)"),
                   SD_OAUTH_MAX_ANSWER);
      return FALSE;
    case SD_OAUTH_HTTP_FAILED:
    default:
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NETWORK,
                   _("Could not reach the identity provider: %s"), message);
      return FALSE;
    }
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
  char message[SD_OAUTH_HTTP_MESSAGE_SIZE] = "";
  g_autoptr(GError) local = NULL;
  const SdOAuthHttpModule *http = sd_oauth_http_module (&local);
  GString *body;
  json_t *answer = NULL;
  SdOAuthHttpOutcome outcome;
  char *form;

  *status = 0;
  if (http == NULL)
    {
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NETWORK,
                   _("OAuth sign-in is not available: %s"), local->message);
      return NULL;
    }
  /* Sized for usual answers, so it rarely moves (and leaves no unwiped copies). */
  body = g_string_sized_new (64 * 1024);
  form = sd_encode_form (fields);
  outcome = http->post (url, form, allow_http, "smtp-doctor/" PACKAGE_VERSION, cancellable,
                        SD_OAUTH_MAX_ANSWER, body, status, message);
  if (sd_check_outcome (outcome, message, error))
    answer = sd_parse_answer (body, *status, error);

  sd_secret_free (form);
  sd_secret_wipe (body->str, body->len);
  g_string_free (body, TRUE);
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

/* sd-oauth.c: the device authorization grant (RFC 8628) and the refresh grant
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-oauth-private.h"
#include "sd-secret.h"

G_DEFINE_QUARK (sd-oauth-error-quark, sd_oauth_error)

#define SD_DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"
#define SD_SCOPE_MICROSOFT "https://outlook.office.com/SMTP.Send offline_access"
#define SD_SCOPE_GOOGLE "https://mail.google.com/"
/* RFC 8628 3.2 and 3.5: the defaults, and slow_down's step. */
#define SD_DEFAULT_INTERVAL_S 5
#define SD_SLOW_DOWN_STEP_S 5
/* A code the provider says lasts longer than this is still abandoned then. */
#define SD_MAX_EXPIRES_IN_S 3600
#define SD_MAX_DESCRIPTION 300

/* Only tests may point the grants elsewhere, and only at this machine. */
#define SD_TEST_BASE_ENV "SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE"
#define SD_TEST_SECOND_ENV "SMTP_DOCTOR_OAUTH_TEST_SECOND_MS"

const char *
sd_oauth_provider_to_string (SdOAuthProvider provider)
{
  return provider == SD_OAUTH_PROVIDER_GOOGLE ? "google" : "microsoft";
}

gboolean
sd_oauth_provider_from_string (const char      *name,
                               SdOAuthProvider *provider)
{
  if (g_strcmp0 (name, "microsoft") == 0)
    *provider = SD_OAUTH_PROVIDER_MICROSOFT;
  else if (g_strcmp0 (name, "google") == 0)
    *provider = SD_OAUTH_PROVIDER_GOOGLE;
  else
    return FALSE;
  return TRUE;
}

/* --- account and token ------------------------------------------------------------- */

SdOAuthAccount *
sd_oauth_account_new (SdOAuthProvider provider)
{
  SdOAuthAccount *account = g_new0 (SdOAuthAccount, 1);

  account->provider = provider;
  return account;
}

void
sd_oauth_account_free (SdOAuthAccount *account)
{
  if (account == NULL)
    return;
  g_free (account->tenant);
  g_free (account->client_id);
  sd_secret_free (account->client_secret);
  g_free (account->user);
  g_free (account);
}

SdOAuthAccount *
sd_oauth_account_copy (const SdOAuthAccount *account)
{
  SdOAuthAccount *copy = sd_oauth_account_new (account->provider);

  copy->tenant = g_strdup (account->tenant);
  copy->client_id = g_strdup (account->client_id);
  copy->client_secret = g_strdup (account->client_secret);
  copy->user = g_strdup (account->user);
  return copy;
}

/* Tenants and client IDs go into URL paths and form fields: letters, digits, "-._". */
static gboolean
sd_is_identifier (const char *value)
{
  if (value == NULL || *value == '\0' || strlen (value) > 256)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

gboolean
sd_oauth_account_validate (const SdOAuthAccount  *account,
                           GError               **error)
{
  if (account->provider == SD_OAUTH_PROVIDER_MICROSOFT && !sd_is_identifier (account->tenant))
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("Microsoft sign-in needs the tenant: the directory (tenant) ID, a "
                             "domain of the tenant, or “organizations”"));
      return FALSE;
    }
  if (!sd_is_identifier (account->client_id))
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("Sign-in needs the client ID of your own app registration "
                             "(letters, digits, “-”, “.” and “_” only)"));
      return FALSE;
    }
  if (account->provider == SD_OAUTH_PROVIDER_GOOGLE &&
      (account->client_secret == NULL || *account->client_secret == '\0'))
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("Google sign-in needs the client secret of your OAuth client"));
      return FALSE;
    }
  return TRUE;
}

SdOAuthToken *
sd_oauth_token_new (void)
{
  return g_new0 (SdOAuthToken, 1);
}

void
sd_oauth_token_free (SdOAuthToken *token)
{
  if (token == NULL)
    return;
  sd_secret_free (token->access_token);
  sd_secret_free (token->refresh_token);
  g_free (token->scope);
  g_free (token);
}

gboolean
sd_oauth_token_expires_by (const SdOAuthToken *token,
                           gint64              now,
                           gint64              margin_s)
{
  return token->expires_at != 0 && token->expires_at <= now + margin_s;
}

/* --- endpoints --------------------------------------------------------------------- */

typedef struct {
  char     *device;
  char     *token;
  gboolean  allow_http;
} Endpoints;

static void
endpoints_clear (Endpoints *endpoints)
{
  g_clear_pointer (&endpoints->device, g_free);
  g_clear_pointer (&endpoints->token, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Endpoints, endpoints_clear)

/* The test base from the environment, or NULL; an error when it points off this machine. */
static char *
sd_test_base (GError **error)
{
  const char *value = g_getenv (SD_TEST_BASE_ENV);
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (value == NULL || *value == '\0')
    return NULL;
  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      (g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "::1") != 0 &&
       g_ascii_strcasecmp (host, "localhost") != 0))
    {
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                   _("%s may only point to http(s)://127.0.0.1, [::1] or localhost (it is "
                     "for tests)"), SD_TEST_BASE_ENV);
      return NULL;
    }
  return g_strndup (value, strlen (value) - (g_str_has_suffix (value, "/") ? 1 : 0));
}

static gboolean
sd_endpoints (const SdOAuthAccount  *account,
              Endpoints             *endpoints,
              GError               **error)
{
  GError *local = NULL;
  g_autofree char *test = sd_test_base (&local);

  if (local != NULL)
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  if (!sd_oauth_account_validate (account, error))
    return FALSE;
  endpoints->allow_http = test != NULL;
  if (account->provider == SD_OAUTH_PROVIDER_MICROSOFT)
    {
      const char *base = test != NULL ? test : "https://login.microsoftonline.com";
      endpoints->device = g_strdup_printf ("%s/%s/oauth2/v2.0/devicecode", base, account->tenant);
      endpoints->token = g_strdup_printf ("%s/%s/oauth2/v2.0/token", base, account->tenant);
    }
  else
    {
      const char *base = test != NULL ? test : "https://oauth2.googleapis.com";
      endpoints->device = g_strdup_printf ("%s/device/code", base);
      endpoints->token = g_strdup_printf ("%s/token", base);
    }
  return TRUE;
}

static const char *
sd_scope (const SdOAuthAccount *account)
{
  return account->provider == SD_OAUTH_PROVIDER_GOOGLE ? SD_SCOPE_GOOGLE : SD_SCOPE_MICROSOFT;
}

/* One second of polling, in milliseconds: shorter only against the test endpoint. */
static guint
sd_second_ms (void)
{
  const char *value = g_getenv (SD_TEST_SECOND_ENV);
  guint64 ms;

  if (value == NULL || g_getenv (SD_TEST_BASE_ENV) == NULL ||
      !g_ascii_string_to_unsigned (value, 10, 1, 1000, &ms, NULL))
    return 1000;
  return (guint) ms;
}

/* --- answers ----------------------------------------------------------------------- */

static gint64
sd_json_seconds (json_t     *answer,
                 const char *name,
                 gint64      fallback)
{
  json_t *value = json_object_get (answer, name);
  guint64 number;

  if (json_is_integer (value) && json_integer_value (value) >= 0)
    return json_integer_value (value);
  /* Some endpoints send numbers as strings. */
  if (json_is_string (value) &&
      g_ascii_string_to_unsigned (json_string_value (value), 10, 0, G_MAXINT32, &number, NULL))
    return (gint64) number;
  return fallback;
}

static const char *
sd_json_text (json_t     *answer,
              const char *name)
{
  return json_string_value (json_object_get (answer, name));
}

/* The provider's own words, first line only (Microsoft adds trace and correlation IDs). */
static char *
sd_description (json_t *answer)
{
  const char *text = sd_json_text (answer, "error_description");
  g_autofree char *line = NULL;

  if (text == NULL)
    return g_strdup ("");
  line = g_strndup (text, MIN (strcspn (text, "\r\n"), SD_MAX_DESCRIPTION));
  if (!g_utf8_validate (line, -1, NULL))
    return g_strdup ("");
  return g_strdup_printf (": %s", g_strstrip (line));
}

/* The error in an answer that carries one, with the provider's error code kept. */
static void
sd_set_answer_error (GError     **error,
                     json_t      *answer,
                     long         status)
{
  const char *code = sd_json_text (answer, "error");
  g_autofree char *description = sd_description (answer);

  if (g_strcmp0 (code, "access_denied") == 0)
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_DENIED,
                 _("The sign-in was declined (access_denied)%s"), description);
  else if (g_strcmp0 (code, "expired_token") == 0)
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_EXPIRED,
                 _("The code expired before the sign-in finished (expired_token): start again"));
  else if (g_strcmp0 (code, "invalid_scope") == 0)
    /* Google's device flow grants only a short list of scopes, and Gmail's is not on it. */
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_REFUSED,
                 _("The identity provider does not grant the permission asked for "
                   "(invalid_scope)%s. Google's device sign-in does not offer Gmail's scope "
                   "(https://mail.google.com/): get the access token with another tool and "
                   "give it with --oauth-token-env or --oauth-token-file"), description);
  else if (code != NULL)
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_REFUSED,
                 _("The identity provider refused (%s)%s"), code, description);
  else
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                 _("The identity provider answered HTTP %ld without an access token or an "
                   "error"), status);
}

static SdOAuthToken *
sd_parse_token (json_t      *answer,
                long         status,
                const char  *old_refresh,
                GError     **error)
{
  const char *access = sd_json_text (answer, "access_token");
  const char *type = sd_json_text (answer, "token_type");
  const char *refresh = sd_json_text (answer, "refresh_token");
  gint64 expires_in = sd_json_seconds (answer, "expires_in", -1);
  SdOAuthToken *token;

  if (access == NULL || *access == '\0' || sd_json_text (answer, "error") != NULL)
    {
      sd_set_answer_error (error, answer, status);
      return NULL;
    }
  if (type != NULL && g_ascii_strcasecmp (type, "Bearer") != 0)
    {
      g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                   _("The identity provider sent a “%s” token; SMTP needs a Bearer token"),
                   g_utf8_validate (type, -1, NULL) ? type : "?");
      return NULL;
    }
  token = sd_oauth_token_new ();
  token->access_token = g_strdup (access);
  token->refresh_token = g_strdup (refresh != NULL ? refresh : old_refresh);
  token->expires_at = expires_in >= 0 ? g_get_real_time () / G_USEC_PER_SEC + expires_in : 0;
  token->scope = g_strdup (sd_json_text (answer, "scope"));
  return token;
}

/* --- refresh ----------------------------------------------------------------------- */

SdOAuthToken *
sd_oauth_refresh (const SdOAuthAccount  *account,
                  const char            *refresh_token,
                  GCancellable          *cancellable,
                  GError               **error)
{
  g_auto(Endpoints) endpoints = { 0 };
  const char *fields[13];
  guint n = 0;
  json_t *answer;
  SdOAuthToken *token;
  long status = 0;

  if (!sd_endpoints (account, &endpoints, error))
    return NULL;
  fields[n++] = "grant_type";
  fields[n++] = "refresh_token";
  fields[n++] = "client_id";
  fields[n++] = account->client_id;
  fields[n++] = "refresh_token";
  fields[n++] = refresh_token;
  fields[n++] = "scope";
  fields[n++] = sd_scope (account);
  if (account->provider == SD_OAUTH_PROVIDER_GOOGLE)
    {
      fields[n++] = "client_secret";
      fields[n++] = account->client_secret;
    }
  fields[n] = NULL;

  answer = _sd_oauth_http_post (endpoints.token, fields, endpoints.allow_http, cancellable,
                                &status, error);
  if (answer == NULL)
    return NULL;
  token = sd_parse_token (answer, status, refresh_token, error);
  _sd_oauth_json_free (answer);
  return token;
}

/* --- the device grant -------------------------------------------------------------- */

typedef struct {
  SdOAuthAccount  *account;
  SdOAuthCodeFunc  code_func;
  gpointer         code_data;
  GDestroyNotify   code_data_free;
  GMainContext    *context;
} SignIn;

static void
sign_in_free (gpointer data)
{
  SignIn *sign_in = data;

  if (sign_in->code_data_free != NULL)
    sign_in->code_data_free (sign_in->code_data);
  sd_oauth_account_free (sign_in->account);
  g_main_context_unref (sign_in->context);
  g_free (sign_in);
}

/* A copy of the code on its way to the caller's main context. */
typedef struct {
  GTask *task;
  char  *user_code, *verification_uri, *verification_uri_complete;
  guint  interval_s, expires_in_s;
} Notice;

static void
notice_free (gpointer data)
{
  Notice *notice = data;

  g_object_unref (notice->task);
  g_free (notice->user_code);
  g_free (notice->verification_uri);
  g_free (notice->verification_uri_complete);
  g_free (notice);
}

static gboolean
notice_deliver (gpointer data)
{
  Notice *notice = data;
  SignIn *sign_in = g_task_get_task_data (notice->task);
  SdOAuthDeviceCode code = {
    notice->user_code, notice->verification_uri, notice->verification_uri_complete,
    notice->interval_s, notice->expires_in_s,
  };

  if (!g_cancellable_is_cancelled (g_task_get_cancellable (notice->task)) &&
      sign_in->code_func != NULL)
    sign_in->code_func (&code, sign_in->code_data);
  return G_SOURCE_REMOVE;
}

static void
sd_notify (GTask      *task,
           json_t     *device,
           guint       interval_s,
           guint       expires_in_s)
{
  SignIn *sign_in = g_task_get_task_data (task);
  Notice *notice = g_new0 (Notice, 1);
  const char *uri = sd_json_text (device, "verification_uri");
  GSource *source;

  notice->task = g_object_ref (task);
  notice->user_code = g_strdup (sd_json_text (device, "user_code"));
  /* Google calls it verification_url. */
  notice->verification_uri = g_strdup (uri != NULL ? uri : sd_json_text (device, "verification_url"));
  notice->verification_uri_complete = g_strdup (sd_json_text (device, "verification_uri_complete"));
  notice->interval_s = interval_s;
  notice->expires_in_s = expires_in_s;
  /* Always a source, never g_main_context_invoke(): that calls the function right here,
   * in the worker, whenever the caller's context is its default and nobody iterates it
   * at this instant, and the caller's code (a dialog's widgets) must not run here. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, notice_deliver, notice, notice_free);
  g_source_set_static_name (source, "[smtp-doctor] OAuth device code");
  g_source_attach (source, sign_in->context);
  g_source_unref (source);
}

static gboolean
sd_set_cancelled (GCancellable  *cancellable,
                  GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sign-in cancelled"));
  return TRUE;
}

/* Sleeps @ms unless @cancellable fires first. */
static gboolean
sd_wait (GCancellable  *cancellable,
         gint64         ms,
         GError       **error)
{
  GPollFD fd;

  if (ms > 0 && cancellable != NULL && g_cancellable_make_pollfd (cancellable, &fd))
    {
      g_poll (&fd, 1, (int) MIN (ms, G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else if (ms > 0)
    g_usleep ((gulong) ms * 1000);
  return !sd_set_cancelled (cancellable, error);
}

static json_t *
sd_request_code (const SdOAuthAccount  *account,
                 const Endpoints       *endpoints,
                 GCancellable          *cancellable,
                 GError               **error)
{
  const char *fields[] = { "client_id", account->client_id, "scope", sd_scope (account), NULL };
  long status = 0;
  json_t *device = _sd_oauth_http_post (endpoints->device, fields, endpoints->allow_http,
                                        cancellable, &status, error);
  const char *uri;

  if (device == NULL)
    return NULL;
  uri = sd_json_text (device, "verification_uri");
  if (uri == NULL)
    uri = sd_json_text (device, "verification_url");
  if (sd_json_text (device, "error") != NULL)
    sd_set_answer_error (error, device, status);
  else if (sd_json_text (device, "device_code") == NULL || sd_json_text (device, "user_code") == NULL ||
           uri == NULL || !g_str_has_prefix (uri, "http"))
    g_set_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED,
                 _("The identity provider's device code answer lacks the code or the address "
                   "to enter it at (HTTP %ld)"), status);
  else
    return device;
  _sd_oauth_json_free (device);
  return NULL;
}

/* One token request: the token, or NULL with *pending set while the user has not
 * finished, or NULL with @error. */
static SdOAuthToken *
sd_poll_once (const SdOAuthAccount  *account,
              const Endpoints       *endpoints,
              const char            *device_code,
              GCancellable          *cancellable,
              gboolean              *pending,
              gboolean              *slow_down,
              GError               **error)
{
  const char *fields[] = {
    "grant_type", SD_DEVICE_GRANT, "client_id", account->client_id, "device_code", device_code,
    account->provider == SD_OAUTH_PROVIDER_GOOGLE ? "client_secret" : NULL, account->client_secret,
    NULL,
  };
  long status = 0;
  json_t *answer = _sd_oauth_http_post (endpoints->token, fields, endpoints->allow_http,
                                        cancellable, &status, error);
  const char *code;
  SdOAuthToken *token = NULL;

  *pending = *slow_down = FALSE;
  if (answer == NULL)
    return NULL;
  code = sd_json_text (answer, "error");
  if (g_strcmp0 (code, "authorization_pending") == 0)
    *pending = TRUE;
  else if (g_strcmp0 (code, "slow_down") == 0)
    *pending = *slow_down = TRUE;
  else
    token = sd_parse_token (answer, status, NULL, error);
  _sd_oauth_json_free (answer);
  return token;
}

static SdOAuthToken *
sd_poll (GTask           *task,
         const Endpoints *endpoints,
         json_t          *device,
         GCancellable    *cancellable,
         GError         **error)
{
  SignIn *sign_in = g_task_get_task_data (task);
  gint64 interval_s = MAX (1, sd_json_seconds (device, "interval", SD_DEFAULT_INTERVAL_S));
  gint64 expires_in_s = CLAMP (sd_json_seconds (device, "expires_in", 900), 1, SD_MAX_EXPIRES_IN_S);
  guint second_ms = sd_second_ms ();
  gint64 deadline = g_get_monotonic_time () / 1000 + expires_in_s * second_ms;

  sd_notify (task, device, (guint) interval_s, (guint) expires_in_s);
  for (;;)
    {
      gboolean pending, slow_down;
      gint64 left = deadline - g_get_monotonic_time () / 1000;
      SdOAuthToken *token;

      if (left <= 0)
        {
          g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_EXPIRED,
                               _("The code expired before the sign-in finished: start again"));
          return NULL;
        }
      if (!sd_wait (cancellable, MIN (left, interval_s * second_ms), error))
        return NULL;
      token = sd_poll_once (sign_in->account, endpoints, sd_json_text (device, "device_code"),
                            cancellable, &pending, &slow_down, error);
      if (!pending)
        return token;
      if (slow_down)
        {
          interval_s += SD_SLOW_DOWN_STEP_S;
          sd_notify (task, device, (guint) interval_s, (guint) expires_in_s);
        }
    }
}

static void
sign_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SignIn *sign_in = task_data;
  g_auto(Endpoints) endpoints = { 0 };
  GError *error = NULL;
  SdOAuthToken *token = NULL;
  json_t *device = NULL;

  if (sd_endpoints (sign_in->account, &endpoints, &error))
    device = sd_request_code (sign_in->account, &endpoints, cancellable, &error);
  if (device != NULL)
    token = sd_poll (task, &endpoints, device, cancellable, &error);
  _sd_oauth_json_free (device);
  if (token == NULL && !sd_set_cancelled (cancellable, NULL))
    g_task_return_error (task, error);
  else if (token == NULL)
    {
      g_clear_error (&error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Sign-in cancelled"));
    }
  else
    g_task_return_pointer (task, token, (GDestroyNotify) sd_oauth_token_free);
}

void
sd_oauth_sign_in_async (const SdOAuthAccount *account,
                        SdOAuthCodeFunc       code_func,
                        gpointer              code_data,
                        GDestroyNotify        code_data_free,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);

  sd_oauth_init ();
  sign_in->account = sd_oauth_account_copy (account);
  sign_in->code_func = code_func;
  sign_in->code_data = code_data;
  sign_in->code_data_free = code_data_free;
  sign_in->context = g_main_context_ref_thread_default ();
  g_task_set_source_tag (task, sd_oauth_sign_in_async);
  g_task_set_task_data (task, sign_in, sign_in_free);
  /* The worker reports the cancel itself, in our words. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, sign_in_thread);
}

SdOAuthToken *
sd_oauth_sign_in_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* sd-auth-oauth.c: XOAUTH2 (Google, Microsoft) and OAUTHBEARER (RFC 7628), client side
 *
 * Both carry a bearer token the user obtained elsewhere. A failure comes as
 * "334 <base64 JSON>" which the client must answer before the server sends its 5xx.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-auth-private.h"
#include "sd-secret.h"

/* RFC 7628 and Google's error documents are well under 1 KiB. */
#define OAUTH_MAX_ERROR 4096

static GBytes *
take_string (GString *str)
{
  gsize len = str->len;

  return sd_secret_bytes_take ((guint8 *) g_string_free (str, FALSE), len);
}

static char *
shown_token (SdAuth *auth)
{
  g_autofree char *user = g_strescape (auth->user, NULL);

  /* Translators: %s is the user name. */
  return g_strdup_printf (_("user \"%s\", bearer token hidden"), user);
}

static GBytes *
xoauth2_initial (SdAuth  *auth,
                 char   **shown)
{
  /* Sized up front: a GString that grows leaves unwiped copies of the token. */
  GString *str = g_string_sized_new (strlen (auth->user) + strlen (auth->password) + 32);

  g_string_append (str, "user=");
  g_string_append (str, auth->user);
  g_string_append (str, "\001auth=Bearer ");
  g_string_append (str, auth->password);
  g_string_append (str, "\001\001");
  *shown = shown_token (auth);
  return take_string (str);
}

static GBytes *
oauthbearer_initial (SdAuth  *auth,
                     char   **shown)
{
  GString *str = g_string_sized_new (3 * strlen (auth->user) + strlen (auth->password) + 32);

  /* gs2 header "n,a=<authzid>," with ',' and '=' escaped (RFC 5801 5). */
  g_string_append (str, "n,a=");
  for (const char *p = auth->user; *p; p++)
    {
      if (*p == ',')
        g_string_append (str, "=2C");
      else if (*p == '=')
        g_string_append (str, "=3D");
      else
        g_string_append_c (str, *p);
    }
  g_string_append (str, ",\001auth=Bearer ");
  g_string_append (str, auth->password);
  g_string_append (str, "\001\001");
  *shown = shown_token (auth);
  return take_string (str);
}

static GBytes *
oauth_step (SdAuth   *auth,
            GBytes   *challenge,
            char    **shown,
            GError  **error)
{
  gboolean bearer = auth->mech == &_sd_auth_oauthbearer;

  /* An empty 334 before anything was sent: the AUTH line went without the initial
   * response (a long token), so it goes now. */
  if (auth->n_steps == 0 && g_bytes_get_size (challenge) == 0 && !auth->ir_sent)
    return bearer ? oauthbearer_initial (auth, shown) : xoauth2_initial (auth, shown);
  if (auth->n_steps > 1 || (auth->n_steps == 1 && !auth->ir_sent))
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent another challenge after the OAuth error."));
      return NULL;
    }

  /* The error challenge: the server waits for an empty response (XOAUTH2) or a lone
   * ^A (RFC 7628 3.2.3) before it sends the final failure. */
  *shown = g_strdup (_("acknowledging the OAuth error"));
  return bearer ? g_bytes_new_static ("\001", 1) : g_bytes_new_static ("", 0);
}

static char *
json_field (json_t     *root,
            const char *name)
{
  json_t *value = json_object_get (root, name);

  if (json_is_string (value))
    return g_strdup (json_string_value (value));
  if (json_is_integer (value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) json_integer_value (value));
  return NULL;
}

gboolean
sd_auth_oauth_error_parse (GBytes  *challenge,
                           char   **status,
                           char   **scope,
                           char   **schemes)
{
  gsize len = 0;
  const char *data = challenge ? g_bytes_get_data (challenge, &len) : NULL;
  json_t *root;

  *status = *scope = *schemes = NULL;
  if (len == 0 || len > OAUTH_MAX_ERROR)
    return FALSE;
  root = json_loadb (data, len, JSON_REJECT_DUPLICATES, NULL);
  if (!json_is_object (root))
    {
      json_decref (root);
      return FALSE;
    }
  *status = json_field (root, "status");
  *scope = json_field (root, "scope");
  *schemes = json_field (root, "schemes");
  json_decref (root);
  return *status != NULL || *scope != NULL || *schemes != NULL;
}

/* What the status means for someone looking at the transcript. */
static const char *
oauth_status_meaning (const char *status)
{
  if (status == NULL)
    return NULL;
  if (g_str_equal (status, "401") || g_str_equal (status, "invalid_token"))
    return _("the token is invalid or expired, or belongs to another user");
  if (g_str_equal (status, "400") || g_str_equal (status, "invalid_request"))
    return _("the request was malformed, or the user name does not match the token");
  if (g_str_equal (status, "403") || g_str_equal (status, "insufficient_scope"))
    return _("the token lacks the scope needed for SMTP");
  return NULL;
}

char *
sd_auth_oauth_error_describe (const char *status,
                              const char *scope,
                              const char *schemes)
{
  GString *str = g_string_new (_("OAuth error from the server:"));
  const char *meaning = oauth_status_meaning (status);
  g_autofree char *st = status ? g_strescape (status, NULL) : NULL;
  g_autofree char *sc = scope ? g_strescape (scope, NULL) : NULL;
  g_autofree char *sch = schemes ? g_strescape (schemes, NULL) : NULL;

  /* Translators: follows “OAuth error from the server:”; %s is the status value. */
  g_string_append_printf (str, _(" status \"%s\""), st ? st : "");
  if (meaning != NULL)
    g_string_append_printf (str, " (%s)", meaning);
  if (sc != NULL)
    g_string_append_printf (str, _(", required scope \"%s\""), sc);
  if (sch != NULL)
    g_string_append_printf (str, _(", schemes \"%s\""), sch);

  return g_string_free (str, FALSE);
}

static char *
oauth_describe (SdAuth *auth,
                GBytes *challenge)
{
  g_autofree char *status = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *schemes = NULL;

  if (!sd_auth_oauth_error_parse (challenge, &status, &scope, &schemes))
    return NULL;
  return sd_auth_oauth_error_describe (status, scope, schemes);
}

const SdAuthMechanism _sd_auth_xoauth2 = {
  .name = "XOAUTH2",
  .plaintext = TRUE,   /* a bearer token is as good as a password to whoever reads it */
  .credential = SD_AUTH_CREDENTIAL_TOKEN,
  .initial_response = xoauth2_initial,
  .step = oauth_step,
  .describe_challenge = oauth_describe,
};

const SdAuthMechanism _sd_auth_oauthbearer = {
  .name = "OAUTHBEARER",
  .plaintext = TRUE,
  .credential = SD_AUTH_CREDENTIAL_TOKEN,
  .initial_response = oauthbearer_initial,
  .step = oauth_step,
  .describe_challenge = oauth_describe,
};

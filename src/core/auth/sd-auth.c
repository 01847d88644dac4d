/* sd-auth.c: choosing a SASL mechanism and driving its steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-auth-private.h"
#include "sd-gss.h"
#include "sd-secret.h"

G_DEFINE_QUARK (sd-auth-error-quark, sd_auth_error)

static const SdAuthMechanism * const mechanisms[] = {
  &_sd_auth_plain,
  &_sd_auth_login,
  &_sd_auth_cram_md5,
  &_sd_auth_ntlm,
  &_sd_auth_xoauth2,
  &_sd_auth_oauthbearer,
#ifdef SD_HAVE_GSS
  &_sd_auth_gssapi,
#endif
};

static const SdAuthMechanism *
lookup_mechanism (const char *name)
{
  if (name == NULL)
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      if (g_ascii_strcasecmp (mechanisms[i]->name, name) == 0)
        return mechanisms[i];
    }

  return NULL;
}

SdAuth *
sd_auth_new (const char  *mechanism,
             const char  *user,
             const char  *secret,
             GError     **error)
{
  const SdAuthMechanism *mech;
  SdAuth *self;

  g_return_val_if_fail (mechanism != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mech = lookup_mechanism (mechanism);
  if (mech == NULL)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_UNSUPPORTED,
                   _("The AUTH mechanism “%s” is not supported; use PLAIN, LOGIN, CRAM-MD5, "
                     "NTLM, XOAUTH2 or OAUTHBEARER."),
                   mechanism);
      return NULL;
    }
  /* Only the system's sign-in does without a user and a secret. */
  g_return_val_if_fail (mech->credential == SD_AUTH_CREDENTIAL_SYSTEM ||
                        (user != NULL && secret != NULL), NULL);

  self = g_new0 (SdAuth, 1);
  self->mech = mech;
  self->user = g_strdup (user);
  self->password = g_strdup (secret);

  return self;
}

void
sd_auth_free (SdAuth *self)
{
  if (self == NULL)
    return;

  sd_secret_free (self->user);
  sd_secret_free (self->password);
  if (self->state != NULL && self->free_state != NULL)
    self->free_state (self->state);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_free (self);
}

gboolean
sd_auth_start (SdAuth      *self,
               const char  *host,
               GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (host != NULL, FALSE);

  if (self->mech->start == NULL)
    return TRUE;
  if (self->notes == NULL)
    self->notes = g_ptr_array_new_with_free_func (g_free);
  return self->mech->start (self, host, error);
}

GPtrArray *
sd_auth_take_notes (SdAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->notes == NULL || self->notes->len == 0)
    return NULL;
  return g_steal_pointer (&self->notes);
}

const char *
sd_auth_get_user (SdAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->user;
}

const char *
sd_auth_get_fact (SdAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->fact;
}

const char *
sd_auth_get_mechanism (SdAuth *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->mech->name;
}

GBytes *
sd_auth_initial_response (SdAuth  *self,
                          char   **shown)
{
  g_autofree char *text = NULL;
  GBytes *response = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->mech->initial_response != NULL)
    response = self->mech->initial_response (self, &text);
  self->ir_sent = response != NULL;

  if (shown != NULL)
    *shown = g_steal_pointer (&text);

  return response;
}

void
sd_auth_initial_response_dropped (SdAuth *self)
{
  g_return_if_fail (self != NULL);

  self->ir_sent = FALSE;
}

char *
sd_auth_describe_challenge (SdAuth *self,
                            GBytes *challenge)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (challenge == NULL || self->mech->describe_challenge == NULL)
    return NULL;
  return self->mech->describe_challenge (self, challenge);
}

GBytes *
sd_auth_step (SdAuth   *self,
              GBytes   *challenge,
              char    **shown,
              GError  **error)
{
  g_autoptr(GBytes) empty = NULL;
  g_autofree char *text = NULL;
  GBytes *response;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* "334 " with nothing after it decodes to nothing; let callers pass NULL for that. */
  if (challenge == NULL)
    challenge = empty = g_bytes_new_static ("", 0);

  if (self->notes == NULL)
    self->notes = g_ptr_array_new_with_free_func (g_free);
  response = self->mech->step (self, challenge, &text, error);
  if (response != NULL)
    self->n_steps++;

  if (shown != NULL)
    *shown = g_steal_pointer (&text);

  return response;
}

gboolean
sd_auth_mechanism_is_plaintext (const char *mechanism)
{
  const SdAuthMechanism *mech = lookup_mechanism (mechanism);

  return mech != NULL && mech->plaintext;
}

gboolean
sd_auth_mechanism_is_supported (const char *mechanism)
{
  return lookup_mechanism (mechanism) != NULL;
}

SdAuthCredential
sd_auth_mechanism_get_credential (const char *mechanism)
{
  const SdAuthMechanism *mech = lookup_mechanism (mechanism);

  return mech != NULL ? mech->credential : SD_AUTH_CREDENTIAL_PASSWORD;
}

static gboolean
caps_offer (const SdCapabilities *caps,
            const char           *mechanism)
{
  if (caps == NULL || caps->auth == NULL)
    return FALSE;

  for (guint i = 0; i < caps->auth->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (caps->auth, i), mechanism) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
join_offered (const SdCapabilities *caps)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; caps != NULL && caps->auth != NULL && i < caps->auth->len; i++)
    {
      if (str->len > 0)
        g_string_append_c (str, ' ');
      g_string_append (str, g_ptr_array_index (caps->auth, i));
    }

  return g_string_free (str, FALSE);
}

/* Why @picked is the best choice; the wording depends on what it beat. */
static const char *
pick_why (const char *picked,
          gboolean    tls_active)
{
#ifdef SD_HAVE_GSS
  if (picked == _sd_auth_gssapi.name)
    return _("the server offers no password mechanism, only Kerberos (GSSAPI); a ticket "
             "is obtained with the password given, not from this machine's sign-in");
#endif
  if (picked == _sd_auth_xoauth2.name)
    return _("an access token was given and XOAUTH2 takes it in one round trip");
  if (picked == _sd_auth_oauthbearer.name)
    return _("an access token was given and the server offers OAUTHBEARER, not XOAUTH2");
  if (picked == _sd_auth_ntlm.name && tls_active)
    return _("the server offers no password mechanism other than NTLM (Windows "
             "integrated authentication, as Exchange does); NTLMv2 sends a proof, "
             "never the password");
  if (picked == _sd_auth_ntlm.name)
    return _("the session is not encrypted, CRAM-MD5 is not offered, and NTLMv2 never "
             "sends the password");

  if (tls_active)
    {
      if (picked == _sd_auth_plain.name)
        return _("the session is encrypted and PLAIN needs one round trip");
      if (picked == _sd_auth_login.name)
        return _("the session is encrypted and the server does not offer PLAIN");
      return _("the server offers neither PLAIN nor LOGIN");
    }

  if (picked == _sd_auth_cram_md5.name)
    return _("the session is not encrypted and CRAM-MD5 never sends the password");
  if (picked == _sd_auth_plain.name)
    return _("the server does not offer CRAM-MD5, so the password crosses the unencrypted "
             "connection, only base64-encoded");
  return _("the server offers neither CRAM-MD5 nor PLAIN, so the password crosses the "
           "unencrypted connection, only base64-encoded");
}

const char *
sd_auth_pick (const SdCapabilities  *caps,
              gboolean               tls_active,
              char                 **reason)
{
  return sd_auth_pick_full (caps, tls_active, SD_AUTH_HAVE_PASSWORD, reason);
}

const char *
sd_auth_pick_full (const SdCapabilities  *caps,
                   gboolean               tls_active,
                   SdAuthHave             have,
                   char                 **reason)
{
  /* A token is what the user went to the trouble of getting, so it goes first. Over
   * TLS the wire is private, so the fewest round trips win; in clear text the password
   * must not travel at all if we can help it. NTLM last: it works, but only where the
   * server offers nothing simpler. */
  static const SdAuthMechanism * const with_tls[] = {
    &_sd_auth_xoauth2, &_sd_auth_oauthbearer,
    &_sd_auth_plain, &_sd_auth_login, &_sd_auth_cram_md5, &_sd_auth_ntlm,
#ifdef SD_HAVE_GSS
    &_sd_auth_gssapi,
#endif
  };
  static const SdAuthMechanism * const without_tls[] = {
    &_sd_auth_xoauth2, &_sd_auth_oauthbearer,
    &_sd_auth_cram_md5, &_sd_auth_ntlm, &_sd_auth_plain, &_sd_auth_login,
#ifdef SD_HAVE_GSS
    &_sd_auth_gssapi,
#endif
  };
  const SdAuthMechanism * const *order = tls_active ? with_tls : without_tls;
  g_autofree char *offered = join_offered (caps);
  const char *picked = NULL;

  G_STATIC_ASSERT (G_N_ELEMENTS (with_tls) == G_N_ELEMENTS (without_tls));
  for (guint i = 0; i < G_N_ELEMENTS (with_tls); i++)
    {
      gboolean usable;

      /* GSSAPI comes last and gets a ticket with the password (never the cache: what
       * the user typed is what is tested). */
      if (order[i]->credential == SD_AUTH_CREDENTIAL_TOKEN)
        usable = (have & SD_AUTH_HAVE_TOKEN) != 0;
      else
        usable = (have & SD_AUTH_HAVE_PASSWORD) != 0;

      if (usable && caps_offer (caps, order[i]->name))
        {
          picked = order[i]->name;
          break;
        }
    }

  if (reason == NULL)
    return picked;

  if (picked != NULL)
    *reason = g_strdup_printf (_("Picked %s: %s (server offers: %s)."),
                               picked, pick_why (picked, tls_active), offered);
  else if (offered[0] == '\0')
    *reason = g_strdup (_("The server offers no AUTH mechanism."));
  else if ((have & SD_AUTH_HAVE_TOKEN) && !(have & SD_AUTH_HAVE_PASSWORD))
    *reason = g_strdup_printf (_("The server offers %s; an access token was given, but "
                                 "the server offers neither XOAUTH2 nor OAUTHBEARER."),
                               offered);
  else
    *reason = g_strdup_printf (_("The server offers %s; none of them is supported with "
                                 "the credentials given (a password: PLAIN, LOGIN, "
                                 "CRAM-MD5, NTLM; a token: XOAUTH2, OAUTHBEARER)."),
                               offered);

  return picked;
}

/* sd-auth-gssapi.c: AUTH GSSAPI (RFC 4752), Kerberos V5, client side
 *
 * "AUTH GSSAPI <AP-REQ>", "334 <AP-REP>", "<empty>" until the context is up; then the
 * server offers security layers in a wrapped 4-octet message and we choose none (TLS
 * protects the session; without TLS only because plaintext authentication was allowed):
 * octet 1 the layer (1 = none), octets 2-4 our maximum buffer (0 with no layer), then the
 * authorization identity (empty: the ticket's own name), wrapped with integrity only.
 * The context comes from sd-gss-krb5.c (MIT) or sd-gss-sspi.c (Windows).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-auth-private.h"
#include "sd-gss.h"

#ifdef SD_HAVE_GSS

/* RFC 4752 3.3: the security-layer bits. */
enum {
  LAYER_NONE      = 1,
  LAYER_INTEGRITY = 2,
  LAYER_PRIVACY   = 4,
};

typedef enum {
  PHASE_CONTEXT,   /* tokens go back and forth */
  PHASE_LAYER,     /* the context is up: the next challenge is the layer offer */
  PHASE_DONE,      /* our layer choice went out; only 235 or 535 may follow */
} Phase;

typedef struct {
  SdGss   *gss;
  GBytes  *first;         /* the AP-REQ, until it went out */
  Phase    phase;
} GssapiState;

static void
gssapi_state_free (gpointer data)
{
  GssapiState *state = data;

  g_clear_pointer (&state->gss, sd_gss_free);
  g_clear_pointer (&state->first, g_bytes_unref);
  g_free (state);
}

static void
gssapi_fail (SdAuth      *auth,
             const char  *fact,
             GError      *local,
             GError     **error)
{
  auth->fact = fact;
  g_propagate_error (error, local);
}

static gboolean
gssapi_start (SdAuth      *auth,
              const char  *host,
              GError     **error)
{
  GssapiState *state = g_new0 (GssapiState, 1);
  const char *fact = NULL;
  gboolean complete = FALSE;
  GError *local = NULL;

  auth->state = state;
  auth->free_state = gssapi_state_free;
  state->gss = sd_gss_new (auth->user, auth->password, host, auth->notes, &fact, &local);
  if (state->gss == NULL)
    {
      gssapi_fail (auth, fact, local, error);
      return FALSE;
    }
  state->first = sd_gss_step (state->gss, NULL, &complete, auth->notes, &fact, &local);
  if (state->first == NULL)
    {
      gssapi_fail (auth, fact, local, error);
      return FALSE;
    }
  state->phase = complete ? PHASE_LAYER : PHASE_CONTEXT;
  if (auth->user == NULL)
    auth->user = g_strdup (sd_gss_get_client (state->gss));
  return TRUE;
}

static char *
gssapi_token_shown (GBytes *token)
{
  gsize len = g_bytes_get_size (token);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Kerberos token, %u byte",
                                       "Kerberos token, %u bytes", (gulong) MIN (len, G_MAXUINT)),
                          (guint) MIN (len, G_MAXUINT));
}

static GBytes *
gssapi_initial_response (SdAuth  *auth,
                         char   **shown)
{
  GssapiState *state = auth->state;

  if (state == NULL || state->first == NULL)
    return NULL;
  *shown = gssapi_token_shown (state->first);
  return g_bytes_ref (state->first);
}

static char *
gssapi_layers_text (guint8 bits)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (bits & LAYER_NONE)
    g_string_append (text, _("none"));
  if (bits & LAYER_INTEGRITY)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", _("integrity"));
  if (bits & LAYER_PRIVACY)
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", _("confidentiality"));
  if (text->len == 0)
    g_string_append (text, _("nothing"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The server's offer -> our wrapped choice of no security layer. */
static GBytes *
gssapi_choose_layer (SdAuth   *auth,
                     GBytes   *challenge,
                     char    **shown,
                     GError  **error)
{
  GssapiState *state = auth->state;
  static const guint8 choice[4] = { LAYER_NONE, 0, 0, 0 };
  g_autoptr(GBytes) offer = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *offered = NULL;
  const guint8 *data;
  GError *local = NULL;
  GBytes *wrapped;
  gsize len;

  offer = sd_gss_unwrap (state->gss, challenge, &local);
  if (offer == NULL)
    {
      gssapi_fail (auth, SD_GSS_FACT_OTHER, local, error);
      return NULL;
    }
  data = g_bytes_get_data (offer, &len);
  if (len != 4)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server's security-layer offer is %u bytes long, not 4 (RFC 4752 "
                     "3.1)."), (guint) MIN (len, G_MAXUINT));
      return NULL;
    }
  offered = gssapi_layers_text (data[0]);
  if (!(data[0] & LAYER_NONE))
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   /* Translators: %s lists security layers (integrity, confidentiality). */
                   _("The server insists on a Kerberos security layer (it offers: %s); SMTP "
                     "Doctor relies on TLS instead and chooses none."), offered);
      return NULL;
    }
  /* Our maximum buffer is 0: with no layer there is nothing to receive wrapped, and the
   * authorization identity stays empty so the server uses the ticket's name. */
  answer = g_bytes_new_static (choice, sizeof choice);
  wrapped = sd_gss_wrap (state->gss, answer, &local);
  if (wrapped == NULL)
    {
      gssapi_fail (auth, SD_GSS_FACT_OTHER, local, error);
      return NULL;
    }
  state->phase = PHASE_DONE;
  *shown = g_strdup_printf (_("security layer: none, TLS protects the session (the server "
                              "offered: %s; its maximum buffer %u bytes)"),
                            offered, (guint) ((data[1] << 16) | (data[2] << 8) | data[3]));
  return wrapped;
}

static GBytes *
gssapi_step (SdAuth   *auth,
             GBytes   *challenge,
             char    **shown,
             GError  **error)
{
  GssapiState *state = auth->state;
  gboolean complete = FALSE;
  const char *fact = NULL;
  GError *local = NULL;
  GBytes *token;

  /* An empty 334 before anything: the AP-REQ did not fit on the AUTH line. */
  if (state->first != NULL && !auth->ir_sent && g_bytes_get_size (challenge) == 0 &&
      auth->n_steps == 0)
    {
      *shown = gssapi_token_shown (state->first);
      return g_bytes_ref (state->first);
    }
  g_clear_pointer (&state->first, g_bytes_unref);

  if (state->phase == PHASE_LAYER)
    return gssapi_choose_layer (auth, challenge, shown, error);
  if (state->phase == PHASE_DONE)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent another challenge after the security-layer choice."));
      return NULL;
    }

  token = sd_gss_step (state->gss, challenge, &complete, auth->notes, &fact, &local);
  if (token == NULL)
    {
      gssapi_fail (auth, fact, local, error);
      return NULL;
    }
  if (complete)
    state->phase = PHASE_LAYER;
  /* RFC 4752 3.1: once the context is complete the answer may be empty. */
  *shown = g_bytes_get_size (token) > 0 ? gssapi_token_shown (token)
                                        : g_strdup (_("empty response: the Kerberos context "
                                                      "is complete"));
  return token;
}

static char *
gssapi_describe (SdAuth *auth,
                 GBytes *challenge)
{
  GssapiState *state = auth->state;
  gsize len = g_bytes_get_size (challenge);

  if (len == 0 || state == NULL)
    return NULL;
  if (state->phase == PHASE_LAYER)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Security-layer offer from the server, "
                                         "integrity-protected (%u byte)",
                                         "Security-layer offer from the server, "
                                         "integrity-protected (%u bytes)",
                                         (gulong) MIN (len, G_MAXUINT)),
                            (guint) MIN (len, G_MAXUINT));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Kerberos token from the server (%u byte)",
                                       "Kerberos token from the server (%u bytes)",
                                       (gulong) MIN (len, G_MAXUINT)),
                          (guint) MIN (len, G_MAXUINT));
}

const SdAuthMechanism _sd_auth_gssapi = {
  .name = "GSSAPI",
  .plaintext = FALSE,
  .credential = SD_AUTH_CREDENTIAL_SYSTEM,
  .start = gssapi_start,
  .initial_response = gssapi_initial_response,
  .step = gssapi_step,
  .describe_challenge = gssapi_describe,
};

/* --- for the backends: one wording for both ------------------------------------- */

static const char *
sd_gss_fact_meaning (const char *fact)
{
  if (g_strcmp0 (fact, SD_GSS_FACT_SPN_UNKNOWN) == 0)
    return _("the server's service principal (SPN) is not registered in the realm "
             "(the domain)");
  if (g_strcmp0 (fact, SD_GSS_FACT_CLOCK_SKEW) == 0)
    return _("the clocks of this machine and the KDC (domain controller) or the server "
             "differ by more than the allowed skew (5 minutes by default)");
  if (g_strcmp0 (fact, SD_GSS_FACT_NO_CREDENTIALS) == 0)
    return _("there is no Kerberos ticket for this user: sign in first (kinit, or the "
             "Windows logon), or give a password");
  if (g_strcmp0 (fact, SD_GSS_FACT_REALM_UNKNOWN) == 0)
    return _("no KDC was found for the realm (a wrong realm in the user name, or "
             "krb5.conf / DNS does not know it)");
  if (g_strcmp0 (fact, SD_GSS_FACT_BAD_PASSWORD) == 0)
    return _("the KDC refused the password");
  if (g_strcmp0 (fact, SD_GSS_FACT_USER_UNKNOWN) == 0)
    return _("the user is not known in the realm");
  if (g_strcmp0 (fact, SD_GSS_FACT_EXPIRED) == 0)
    return _("the ticket or the password has expired");
  return NULL;
}

void
_sd_gss_set_error (GError     **error,
                   const char  *what,
                   const char  *fact,
                   const char  *library_text)
{
  const char *meaning = sd_gss_fact_meaning (fact);

  if (meaning != NULL)
    /* Translators: the step (getting a ticket…), what it means, then the Kerberos
     * library's own message. */
    g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_GSS, _("%s failed: %s (Kerberos: %s)"),
                 what, meaning, library_text);
  else
    /* Translators: the step (getting a ticket…), then the Kerberos library's message. */
    g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_GSS, _("%s failed (Kerberos: %s)"),
                 what, library_text);
}

static char *
sd_gss_format_lifetime (guint32 seconds)
{
  if (seconds == G_MAXUINT32)
    return g_strdup (_("no limit"));
  if (seconds < 60)
    /* Translators: a duration in seconds. */
    return g_strdup_printf (_("%u s"), seconds);
  /* Translators: a duration: hours and minutes. */
  return g_strdup_printf (_("%u h %02u min"), seconds / 3600, (seconds / 60) % 60);
}

void
_sd_gss_note_client (GPtrArray  *notes,
                     const char *client,
                     gboolean    from_password,
                     guint32     seconds_left)
{
  g_autofree char *left = sd_gss_format_lifetime (seconds_left);
  const char *realm = client != NULL ? strrchr (client, '@') : NULL;

  if (client == NULL)
    client = "?";
  g_ptr_array_add (notes, from_password
                   /* Translators: the client principal, its realm, a duration ("9 h 58 min"). */
                   ? g_strdup_printf (_("Kerberos: ticket obtained with the password for %s "
                                        "(realm %s), valid for %s"),
                                      client, realm != NULL ? realm + 1 : "?", left)
                   /* Translators: the client principal, its realm, a duration. */
                   : g_strdup_printf (_("Kerberos: using the ticket in the credentials "
                                        "cache: %s (realm %s), valid for %s more"),
                                      client, realm != NULL ? realm + 1 : "?", left));
}

void
_sd_gss_note_context (GPtrArray  *notes,
                      const char *service,
                      guint32     seconds_left,
                      gboolean    mutual)
{
  g_autofree char *left = sd_gss_format_lifetime (seconds_left);

  /* Translators: the service principal, then a duration ("9 h 58 min"). */
  g_ptr_array_add (notes, g_strdup_printf (_("Kerberos: service ticket for %s, valid for %s"),
                                           service, left));
  if (mutual)
    g_ptr_array_add (notes, g_strdup (_("Kerberos: the server proved its identity (mutual "
                                        "authentication)")));
}

#endif /* SD_HAVE_GSS */

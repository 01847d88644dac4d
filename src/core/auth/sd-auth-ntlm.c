/* sd-auth-ntlm.c: NTLM (NTLMv2 over NTLMSSP) as a SASL mechanism, client side
 *
 * The exchange is "AUTH NTLM <type 1>", "334 <type 2>", "<type 3>", as Exchange and
 * Dovecot speak it. NTLMv1 is never sent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>

#include "sd-auth-private.h"
#include "sd-ntlm.h"
#include "sd-secret.h"

typedef struct {
  gboolean negotiate_sent;
  gboolean authenticate_sent;
} NtlmState;

static NtlmState *
ntlm_state (SdAuth *auth)
{
  if (auth->state == NULL)
    {
      auth->state = g_new0 (NtlmState, 1);
      auth->free_state = g_free;
    }
  return auth->state;
}

static GBytes *
ntlm_negotiate (SdAuth  *auth,
                char   **shown)
{
  *shown = g_strdup ("NTLM negotiate (type 1): NTLMv2, Unicode, extended session security");
  return sd_ntlm_negotiate_new ();
}

static GBytes *
ntlm_step (SdAuth   *auth,
           GBytes   *challenge,
           char    **shown,
           GError  **error)
{
  NtlmState *state = ntlm_state (auth);
  g_autoptr(SdNtlmChallenge) parsed = NULL;
  g_autofree char *user = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *who = NULL;
  guint8 client_challenge[8];
  guint64 timestamp;
  const guint8 *data;
  gsize len;
  GBytes *response;

  data = g_bytes_get_data (challenge, &len);
  /* "334 " with nothing: the server wants the type 1 we did not send with AUTH. */
  if (len == 0 && !auth->ir_sent && !state->negotiate_sent)
    {
      state->negotiate_sent = TRUE;
      return ntlm_negotiate (auth, shown);
    }
  if (state->authenticate_sent)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent another challenge after the NTLM response (type 3)."));
      return NULL;
    }

  parsed = sd_ntlm_challenge_parse (data, len, error);
  if (parsed == NULL)
    return NULL;
  if (!(parsed->flags & SD_NTLM_NEGOTIATE_UNICODE))
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server's NTLM challenge does not accept Unicode; only NTLMv2 "
                     "with Unicode is supported."));
      return NULL;
    }

  if (gnutls_rnd (GNUTLS_RND_NONCE, client_challenge, sizeof client_challenge) != 0)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("No random numbers for the NTLM client challenge."));
      return NULL;
    }
  /* The server's clock, when it sends it, so a skewed client clock does not matter. */
  timestamp = parsed->has_timestamp ? parsed->timestamp
                                    : sd_ntlm_filetime_from_unix_us (g_get_real_time ());

  sd_ntlm_split_user (auth->user, &user, &domain);
  response = sd_ntlm_authenticate_new (parsed, user, domain, auth->password,
                                       NULL, client_challenge, timestamp);
  state->authenticate_sent = TRUE;

  /* The backslash of DOMAIN\user is shown as typed. */
  who = g_strescape (auth->user, "\\");
  /* Translators: %s is the user name (DOMAIN\\user). */
  *shown = g_strdup_printf (_("NTLM response for %s, hidden"), who);
  return response;
}

static char *
ntlm_describe (SdAuth *auth,
               GBytes *challenge)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (challenge, &len);
  g_autoptr(SdNtlmChallenge) parsed = NULL;

  if (len == 0)
    return NULL;
  parsed = sd_ntlm_challenge_parse (data, len, NULL);
  if (parsed == NULL)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "NTLM challenge of %u byte that does not parse as "
                                         "a type 2 message",
                                         "NTLM challenge of %u bytes that does not parse as "
                                         "a type 2 message", (gulong) MIN (len, G_MAXUINT)),
                            (guint) MIN (len, G_MAXUINT));
  return sd_ntlm_challenge_describe (parsed);
}

const SdAuthMechanism _sd_auth_ntlm = {
  .name = "NTLM",
  .plaintext = FALSE,
  .credential = SD_AUTH_CREDENTIAL_PASSWORD,
  .initial_response = ntlm_negotiate,
  .step = ntlm_step,
  .describe_challenge = ntlm_describe,
};

/* sd-auth-plain.c: SASL PLAIN (RFC 4616), client side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-auth-private.h"
#include "sd-secret.h"

/* authzid NUL authcid NUL passwd, with an empty authzid: act as ourselves. */
static GBytes *
plain_credentials (SdAuth  *auth,
                   char   **shown)
{
  gsize user_len = strlen (auth->user);
  gsize password_len = strlen (auth->password);
  gsize len = 1 + user_len + 1 + password_len;
  guint8 *data = g_malloc (len);
  g_autofree char *user = g_strescape (auth->user, NULL);

  data[0] = '\0';
  memcpy (data + 1, auth->user, user_len);
  data[1 + user_len] = '\0';
  memcpy (data + 2 + user_len, auth->password, password_len);

  /* Translators: %s is the user name. */
  *shown = g_strdup_printf (_("user \"%s\", password hidden"), user);

  return sd_secret_bytes_take (data, len);
}

static GBytes *
plain_step (SdAuth   *auth,
            GBytes   *challenge,
            char    **shown,
            GError  **error)
{
  /* PLAIN has no server challenge; a 334 on the first step is the server asking for
   * the response we did not send with AUTH (RFC 4954 section 4). Its text carries no
   * meaning, so it is not checked. */
  if (auth->n_steps > 0)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent another challenge after the PLAIN credentials."));
      return NULL;
    }

  return plain_credentials (auth, shown);
}

const SdAuthMechanism _sd_auth_plain = {
  .name = "PLAIN",
  .plaintext = TRUE,
  .initial_response = plain_credentials,
  .step = plain_step,
};

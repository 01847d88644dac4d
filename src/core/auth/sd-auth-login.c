/* sd-auth-login.c: the LOGIN mechanism (draft-murchison-sasl-login), client side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-auth-private.h"
#include "sd-secret.h"

static GBytes *
secret_copy (const char *text)
{
  gsize len = strlen (text);

  return sd_secret_bytes_take (g_memdup2 (text, len), len);
}

static GBytes *
login_step (SdAuth   *auth,
            GBytes   *challenge,
            char    **shown,
            GError  **error)
{
  g_autofree char *user = NULL;

  /* Servers word the prompts differently ("Username:", "User Name", localised, or
   * nothing), so only the step number decides what to send. */
  switch (auth->n_steps)
    {
    case 0:
      user = g_strescape (auth->user, NULL);
      /* Translators: %s is the user name. */
      *shown = g_strdup_printf (_("user name \"%s\""), user);
      return secret_copy (auth->user);

    case 1:
      *shown = g_strdup ("password hidden");
      return secret_copy (auth->password);

    default:
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent a third LOGIN challenge; LOGIN only has user name "
                     "and password."));
      return NULL;
    }
}

const SdAuthMechanism _sd_auth_login = {
  .name = "LOGIN",
  .plaintext = TRUE,
  .initial_response = NULL,
  .step = login_step,
};

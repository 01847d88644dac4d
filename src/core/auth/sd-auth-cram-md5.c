/* sd-auth-cram-md5.c: CRAM-MD5 (RFC 2195), client side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sd-auth-private.h"
#include "sd-secret.h"

/* RFC 2195 does not bound the challenge; real ones are a message-id-like string of
 * well under 100 bytes, so anything this long is not a challenge we should sign. */
#define CRAM_MD5_MAX_CHALLENGE 1024

static GBytes *
cram_md5_step (SdAuth   *auth,
               GBytes   *challenge,
               char    **shown,
               GError  **error)
{
  char *digest;
  g_autofree char *user = NULL;
  gsize challenge_len;
  const guint8 *challenge_data;
  gsize user_len;
  gsize len;
  guint8 *data;

  if (auth->n_steps > 0)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent a second CRAM-MD5 challenge; CRAM-MD5 has only one."));
      return NULL;
    }

  challenge_data = g_bytes_get_data (challenge, &challenge_len);
  if (challenge_len == 0)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   _("The server sent an empty CRAM-MD5 challenge."));
      return NULL;
    }
  if (challenge_len > CRAM_MD5_MAX_CHALLENGE)
    {
      g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
                   /* Translators: two numbers of bytes; the first is always larger. */
                   _("The server sent a CRAM-MD5 challenge of %u bytes; at most %d are "
                     "accepted."),
                   (guint) MIN (challenge_len, G_MAXUINT), CRAM_MD5_MAX_CHALLENGE);
      return NULL;
    }

  /* Lower-case hex, as RFC 2195 requires; GLib already produces that. */
  digest = g_compute_hmac_for_data (G_CHECKSUM_MD5,
                                    (const guchar *) auth->password,
                                    strlen (auth->password),
                                    challenge_data, challenge_len);

  user_len = strlen (auth->user);
  len = user_len + 1 + strlen (digest);
  data = g_malloc (len);
  memcpy (data, auth->user, user_len);
  data[user_len] = ' ';
  memcpy (data + user_len + 1, digest, strlen (digest));
  /* The digest allows an offline guess at the password, so it is wiped too. */
  sd_secret_free (digest);

  user = g_strescape (auth->user, NULL);
  /* Translators: %s is the user name. */
  *shown = g_strdup_printf (_("user \"%s\", digest hidden"), user);

  return sd_secret_bytes_take (data, len);
}

const SdAuthMechanism _sd_auth_cram_md5 = {
  .name = "CRAM-MD5",
  .plaintext = FALSE,
  .initial_response = NULL,
  .step = cram_md5_step,
};

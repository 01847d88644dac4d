/* sd-address.c: envelope addresses with non-ASCII parts (SMTPUTF8, IDN A-labels)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-address.h"
#include "sd-session-error.h"

char *
sd_address_for_wire (const char  *address,
                     gboolean     smtputf8,
                     gboolean    *needs_smtputf8,
                     GError     **error)
{
  const char *at;
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  if (g_str_is_ascii (address))
    return g_strdup (address);
  if (smtputf8)
    {
      if (needs_smtputf8 != NULL)
        *needs_smtputf8 = TRUE;
      return g_strdup (address);
    }

  at = strrchr (address, '@');
  local = at != NULL ? g_strndup (address, at - address) : g_strdup (address);
  if (!g_str_is_ascii (local))
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: %s is an e-mail address. */
                   _("The address %s has non-ASCII characters before the @, which only a "
                     "server offering SMTPUTF8 (RFC 6531) can take, and this server does not "
                     "offer it. Nothing was sent: use an ASCII address or a server with "
                     "SMTPUTF8."), address);
      return NULL;
    }
  domain = g_hostname_to_ascii (at + 1);
  if (domain == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: %s is an e-mail address. */
                   _("The domain of %s is not a valid international domain name, and the "
                     "server does not offer SMTPUTF8 (RFC 6531). Nothing was sent."),
                   address);
      return NULL;
    }
  return g_strdup_printf ("%s@%s", local, domain);
}

/* sd-session-envelope.c: what a transaction adapts to the server's extensions: the
 * addresses (SMTPUTF8 or A-labels), DSN parameters, the message's size against SIZE
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-address.h"
#include "sd-dsn.h"
#include "sd-session-private.h"

static char *
sd_run_wire_address (SdRun       *run,
                     const char  *address,
                     gboolean    *smtputf8,
                     GError     **error)
{
  char *wire = sd_address_for_wire (address, run->caps->smtputf8, smtputf8, error);

  if (wire != NULL && g_strcmp0 (wire, address) != 0)
    /* Translators: the address as given, then as sent (xn--… A-labels). */
    _sd_run_emitf (run, SD_DIRECTION_INFO,
                   _("The server does not offer SMTPUTF8: %s is sent as %s"), address, wire);
  return wire;
}

gboolean
_sd_run_envelope_addresses (SdRun     *run,
                            char     **from,
                            GStrv     *to,
                            gboolean  *smtputf8,
                            GError   **error)
{
  const SdSettings *settings = run->settings;
  guint n = g_strv_length (settings->to);
  g_auto(GStrv) wire_to = g_new0 (char *, n + 1);
  g_autofree char *wire_from = NULL;

  *smtputf8 = FALSE;
  wire_from = sd_run_wire_address (run, settings->from, smtputf8, error);
  if (wire_from == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      wire_to[i] = sd_run_wire_address (run, settings->to[i], smtputf8, error);
      if (wire_to[i] == NULL)
        return FALSE;
    }
  if (*smtputf8)
    _sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                  _("International addresses: sending with SMTPUTF8 (RFC 6531)"));
  *from = g_steal_pointer (&wire_from);
  *to = g_steal_pointer (&wire_to);
  return TRUE;
}

/* The size is said before sending, and a warning comes when SIZE announces less: the
 * server may still take it (SIZE can be stale), so the message goes anyway. */
void
_sd_run_check_message_size (SdRun  *run,
                            GBytes *message)
{
  const SdSettings *settings = run->settings;
  guint64 size = g_bytes_get_size (message);
  guint n_attached = settings->attachments != NULL ? settings->attachments->len : 0;
  g_autofree char *shown = g_format_size (size);
  g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, size);

  if (n_attached > 0 && settings->eml == NULL)
    /* Translators: a size (“12.6 MB”), its bytes, then the number of attachments. */
    _sd_run_emitf (run, SD_DIRECTION_INFO,
                   g_dngettext (GETTEXT_PACKAGE, "Message size: %s (%s bytes, %u attachment)",
                                "Message size: %s (%s bytes, %u attachments)", n_attached),
                   shown, bytes, n_attached);
  else
    /* Translators: a size (“12.6 MB”), then its bytes. */
    _sd_run_emitf (run, SD_DIRECTION_INFO, _("Message size: %s (%s bytes)"), shown, bytes);
  if (run->caps->has_size && run->caps->size > 0 && size > run->caps->size)
    {
      g_autofree char *limit = g_format_size (run->caps->size);
      /* Translators: the message's size, then the server's limit (both “10.5 MB”). */
      _sd_run_emitf (run, SD_DIRECTION_WARNING,
                     _("The message (%s) is larger than the server's limit (SIZE %s): "
                       "expect it to be refused"), shown, limit);
    }
}

static gboolean
sd_run_dsn_asked (SdRun *run)
{
  const SdSettings *settings = run->settings;

  return settings->dsn_notify != NULL || settings->dsn_ret != NULL ||
         settings->dsn_envid != NULL;
}

/* " RET=… ENVID=…" when DSN is asked for and offered; a warning when not offered. */
char *
_sd_run_dsn_mail_params (SdRun *run)
{
  if (!sd_run_dsn_asked (run))
    return g_strdup ("");
  if (!run->caps->dsn)
    {
      _sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                    _("Delivery notifications were asked for, but the server does not offer "
                      "DSN (RFC 3461): sending without them"));
      return g_strdup ("");
    }
  return sd_dsn_mail_params (run->settings->dsn_ret, run->settings->dsn_envid);
}

char *
_sd_run_dsn_rcpt_params (SdRun      *run,
                         const char *address)
{
  if (!run->caps->dsn)
    return g_strdup ("");
  return sd_dsn_rcpt_params (run->settings->dsn_notify, address);
}

/* sd-cli-message-options.c: `send`'s flags for attachments, HTML and DSN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-cli-message-options.h"

/* 1 GiB: well past every provider's limit (Exchange Online 150 MB, Gmail 25 MB). */
#define MAX_ATTACH_MB 1024

void
sd_cli_message_options_init (SdCliMessageOptions *options)
{
  *options = (SdCliMessageOptions) { 0 };
  options->attach_size = -1;
}

void
sd_cli_message_options_clear (SdCliMessageOptions *options)
{
  g_clear_pointer (&options->attach, g_strfreev);
  g_clear_pointer (&options->html, g_free);
  g_clear_pointer (&options->html_file, g_free);
  g_clear_pointer (&options->dsn_notify, g_free);
  g_clear_pointer (&options->dsn_ret, g_free);
  g_clear_pointer (&options->dsn_envid, g_free);
}

void
sd_cli_message_options_add_entries (SdCliMessageOptions *o,
                                    GOptionContext      *context)
{
  const GOptionEntry entries[] = {
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->attach, N_("Attach FILE (repeatable); its type comes from its name"), N_("FILE") },
    { "attach-size", 0, 0, G_OPTION_ARG_INT, &o->attach_size, N_("Attach N MB of generated data (to test size limits)"), N_("N") },
    { "html", 0, 0, G_OPTION_ARG_STRING, &o->html, N_("Add an HTML alternative to the text body"), N_("HTML") },
    { "html-file", 0, 0, G_OPTION_ARG_FILENAME, &o->html_file, N_("The HTML alternative from FILE (UTF-8)"), N_("FILE") },
    { "dsn-notify", 0, 0, G_OPTION_ARG_STRING, &o->dsn_notify, N_("Ask for delivery notifications: never, or success,failure,delay"), N_("WHEN") },
    { "dsn-ret", 0, 0, G_OPTION_ARG_STRING, &o->dsn_ret, N_("What a notification returns: full or hdrs"), N_("WHAT") },
    { "dsn-envid", 0, 0, G_OPTION_ARG_STRING, &o->dsn_envid, N_("Envelope ID quoted in notifications"), N_("ID") },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
}

static gboolean
sd_message_options_bad (GError    **error,
                        const char *message)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, message);
  return FALSE;
}

static gboolean
sd_message_options_html (SdCliMessageOptions  *o,
                         SdSettings           *settings,
                         GError              **error)
{
  g_autofree char *html = NULL;

  if (o->html != NULL && o->html_file != NULL)
    return sd_message_options_bad (error, _("Give only one of --html and --html-file"));
  if (o->html_file != NULL && !g_file_get_contents (o->html_file, &html, NULL, error))
    return FALSE;
  if (html == NULL)
    html = g_steal_pointer (&o->html);
  if (html != NULL && !g_utf8_validate (html, -1, NULL))
    return sd_message_options_bad (error, _("The HTML alternative is not UTF-8 text"));
  if (html != NULL)
    {
      g_free (settings->html);
      settings->html = g_steal_pointer (&html);
    }
  return TRUE;
}

gboolean
sd_cli_message_options_apply (SdCliMessageOptions  *o,
                              SdSettings           *settings,
                              GError              **error)
{
  if (settings->eml != NULL &&
      (o->attach != NULL || o->attach_size > 0 || o->html != NULL || o->html_file != NULL))
    return sd_message_options_bad (error, _("--eml sends a prepared message as is: it does "
                                            "not go with --attach, --attach-size or --html"));
  if (o->attach_size > MAX_ATTACH_MB || o->attach_size == 0 || o->attach_size < -1)
    return sd_message_options_bad (error, _("--attach-size is 1 to 1024 (MB)"));
  for (guint i = 0; o->attach != NULL && o->attach[i] != NULL; i++)
    {
      g_autoptr(SdAttachment) attachment = sd_attachment_new_from_file (o->attach[i], error);
      if (attachment == NULL)
        return FALSE;
      sd_settings_add_attachment (settings, attachment);
    }
  if (o->attach_size > 0)
    {
      g_autoptr(SdAttachment) filler = sd_attachment_new_generated ((guint64) o->attach_size *
                                                                   1024 * 1024);
      sd_settings_add_attachment (settings, filler);
    }
  if (!sd_message_options_html (o, settings, error))
    return FALSE;
  /* Profiles keep no DSN settings: the flags are the only source. */
  g_free (settings->dsn_notify);
  settings->dsn_notify = g_steal_pointer (&o->dsn_notify);
  g_free (settings->dsn_ret);
  settings->dsn_ret = g_steal_pointer (&o->dsn_ret);
  g_free (settings->dsn_envid);
  settings->dsn_envid = g_steal_pointer (&o->dsn_envid);
  return TRUE;
}

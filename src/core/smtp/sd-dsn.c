/* sd-dsn.c: delivery status notification parameters (RFC 3461)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-dsn.h"
#include "sd-session-error.h"

#define ENVID_MAX 100   /* RFC 3461 4.4 */

static const char * const notify_words[] = { "success", "failure", "delay" };

static gboolean
sd_dsn_invalid (GError    **error,
                const char *message)
{
  g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
sd_dsn_validate_notify (const char  *notify,
                        GError     **error)
{
  g_auto(GStrv) words = g_strsplit (notify, ",", -1);

  if (g_ascii_strcasecmp (notify, "never") == 0)
    return TRUE;
  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (notify_words); j++)
        known = known || g_ascii_strcasecmp (g_strstrip (words[i]), notify_words[j]) == 0;
      if (!known)
        /* Translators: keep never, success, failure and delay: they are values. */
        return sd_dsn_invalid (error, _("DSN notify must be never, or a comma list of "
                                        "success, failure and delay"));
    }
  return TRUE;
}

gboolean
sd_dsn_validate (const char  *notify,
                 const char  *ret,
                 const char  *envid,
                 GError     **error)
{
  if (notify != NULL && !sd_dsn_validate_notify (notify, error))
    return FALSE;
  if (ret != NULL && g_ascii_strcasecmp (ret, "full") != 0 && g_ascii_strcasecmp (ret, "hdrs") != 0)
    /* Translators: keep full and hdrs: they are values. */
    return sd_dsn_invalid (error, _("DSN return must be full or hdrs"));
  if (envid != NULL)
    {
      if (strlen (envid) == 0 || strlen (envid) > ENVID_MAX)
        return sd_dsn_invalid (error, _("The DSN envelope ID must have 1 to 100 characters"));
      for (const char *p = envid; *p != '\0'; p++)
        if (*p < 0x20 || *p > 0x7e)
          return sd_dsn_invalid (error, _("The DSN envelope ID must be printable ASCII"));
    }
  return TRUE;
}

char *
sd_dsn_xtext (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) value; *p != '\0'; p++)
    {
      if (*p < '!' || *p > '~' || *p == '+' || *p == '=')
        g_string_append_printf (out, "+%02X", *p);
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

char *
sd_dsn_mail_params (const char *ret,
                    const char *envid)
{
  GString *params = g_string_new (NULL);

  if (ret != NULL)
    {
      g_autofree char *upper = g_ascii_strup (ret, -1);
      g_string_append_printf (params, " RET=%s", upper);
    }
  if (envid != NULL)
    {
      g_autofree char *xtext = sd_dsn_xtext (envid);
      g_string_append_printf (params, " ENVID=%s", xtext);
    }
  return g_string_free (params, FALSE);
}

char *
sd_dsn_rcpt_params (const char *notify,
                    const char *address)
{
  g_auto(GStrv) words = NULL;
  GString *params = g_string_new (NULL);

  if (notify == NULL)
    return g_string_free (params, FALSE);
  words = g_strsplit (notify, ",", -1);
  g_string_append (params, " NOTIFY=");
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *upper = g_ascii_strup (g_strstrip (words[i]), -1);
      g_string_append_printf (params, "%s%s", i > 0 ? "," : "", upper);
    }
  /* ORCPT keeps the original address in the report; a UTF-8 one would need the utf-8
   * address type of RFC 6533, which fewer servers know. */
  if (address != NULL && g_str_is_ascii (address))
    {
      g_autofree char *xtext = sd_dsn_xtext (address);
      g_string_append_printf (params, " ORCPT=rfc822;%s", xtext);
    }
  return g_string_free (params, FALSE);
}

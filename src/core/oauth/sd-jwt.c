/* sd-jwt.c: reading an access token's payload and checking it for SMTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-jwt.h"

/* Real payloads are a few KiB. */
#define SD_JWT_MAX_PART (32 * 1024)
/* Closer than this to expiry counts as about to expire: a test run takes a while. */
#define SD_JWT_SOON_S 300

/* The audiences Exchange Online accepts for SMTP AUTH. */
static const char * const exchange_audiences[] = {
  "https://outlook.office.com", "https://outlook.office365.com",
  "00000002-0000-0ff1-ce00-000000000000", NULL
};

static void
sd_warning_free (gpointer data)
{
  SdJwtWarning *warning = data;

  g_free (warning->message);
  g_free (warning);
}

void
sd_jwt_info_free (SdJwtInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->audience);
  g_free (info->scopes);
  g_free (info->roles);
  g_free (info->tenant);
  g_free (info->user);
  g_free (info->app);
  g_free (info->issuer);
  g_ptr_array_unref (info->warnings);
  g_free (info);
}

G_GNUC_PRINTF (3, 4)
static void
sd_warn (SdJwtInfo  *info,
         const char *fact,
         const char *format,
         ...)
{
  SdJwtWarning *warning = g_new0 (SdJwtWarning, 1);
  va_list args;

  va_start (args, format);
  warning->fact = fact;
  warning->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (info->warnings, warning);
}

/* base64url without padding, as JWTs use it; NULL when it is not. */
static char *
sd_decode_part (const char *part,
                gsize       len,
                gsize      *out_len)
{
  g_autofree char *b64 = NULL;
  guchar *data;

  if (len == 0 || len > SD_JWT_MAX_PART)
    return NULL;
  b64 = g_malloc (len + 4);
  for (gsize i = 0; i < len; i++)
    {
      char c = part[i];
      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      b64[i] = c;
    }
  memset (b64 + len, '=', (4 - len % 4) % 4);
  b64[len + (4 - len % 4) % 4] = '\0';
  data = g_base64_decode (b64, out_len);
  data = g_realloc (data, *out_len + 1);
  data[*out_len] = '\0';
  return (char *) data;
}

static json_t *
sd_decode_object (const char *part,
                  gsize       len)
{
  g_autofree char *text = NULL;
  gsize text_len;
  json_t *object;

  text = sd_decode_part (part, len, &text_len);
  if (text == NULL)
    return NULL;
  object = json_loadb (text, text_len, 0, NULL);
  if (!json_is_object (object))
    {
      json_decref (object);
      return NULL;
    }
  return object;
}

static char *
sd_claim (json_t     *payload,
          const char *name)
{
  json_t *value = json_object_get (payload, name);

  if (json_is_array (value))
    value = json_array_get (value, 0);
  return g_strdup (json_string_value (value));
}

static char *
sd_claim_list (json_t     *payload,
               const char *name)
{
  json_t *value = json_object_get (payload, name);
  g_autoptr(GString) joined = NULL;
  size_t i;
  json_t *item;

  if (json_is_string (value))
    return g_strdup (json_string_value (value));
  if (!json_is_array (value) || json_array_size (value) == 0)
    return NULL;
  joined = g_string_new (NULL);
  json_array_foreach (value, i, item)
    if (json_is_string (item))
      g_string_append_printf (joined, "%s%s", joined->len ? " " : "", json_string_value (item));
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static char *
sd_first_claim (json_t *payload, const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *value = sd_claim (payload, names[i]);
      if (value != NULL)
        return value;
    }
  return NULL;
}

static void
sd_read_claims (SdJwtInfo *info,
                json_t    *payload)
{
  const char * const users[] = { "upn", "preferred_username", "unique_name", "email", NULL };
  const char * const apps[] = { "app_displayname", "appid", "azp", NULL };
  json_t *exp = json_object_get (payload, "exp");

  info->audience = sd_claim (payload, "aud");
  info->scopes = sd_claim_list (payload, "scp");
  info->roles = sd_claim_list (payload, "roles");
  info->tenant = sd_claim (payload, "tid");
  info->user = sd_first_claim (payload, users);
  info->app = sd_first_claim (payload, apps);
  info->issuer = sd_claim (payload, "iss");
  if (json_is_integer (exp))
    info->expires_at = json_integer_value (exp);
  else if (json_is_real (exp))
    info->expires_at = (gint64) json_real_value (exp);
}

static gboolean
sd_has_word (const char *list,
             const char *word)
{
  g_auto(GStrv) words = NULL;

  if (list == NULL)
    return FALSE;
  words = g_strsplit (list, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_ascii_strcasecmp (words[i], word) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
sd_is_guid (const char *text)
{
  static const char pattern[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

  if (text == NULL || strlen (text) != strlen (pattern))
    return FALSE;
  for (guint i = 0; pattern[i] != '\0'; i++)
    if (pattern[i] == '-' ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
sd_is_exchange_audience (const char *audience)
{
  g_autofree char *trimmed = NULL;

  if (audience == NULL)
    return FALSE;
  trimmed = g_strndup (audience, strlen (audience) - (g_str_has_suffix (audience, "/") ? 1 : 0));
  return g_strv_contains (exchange_audiences, trimmed) ||
         g_ascii_strcasecmp (trimmed, exchange_audiences[2]) == 0;
}

static void
sd_check_expiry (SdJwtInfo *info,
                 gint64     now)
{
  if (info->expires_at == 0)
    return;
  /* The counts go through ngettext as unsigned int: xgettext cannot see through
   * G_GINT64_FORMAT, and a catalog needs the whole message. */
  if (info->expires_at <= now)
    {
      guint minutes = (guint) MIN ((now - info->expires_at) / 60, G_MAXUINT);

      sd_warn (info, "oauth-token-expired",
               g_dngettext (GETTEXT_PACKAGE,
                            "The token expired %u minute ago: sign in again or refresh it",
                            "The token expired %u minutes ago: sign in again or refresh it",
                            minutes),
               minutes);
    }
  else if (info->expires_at - now < SD_JWT_SOON_S)
    {
      guint seconds = (guint) (info->expires_at - now);

      sd_warn (info, "oauth-token-expiring",
               g_dngettext (GETTEXT_PACKAGE,
                            "The token expires in %u second: it may expire during the test",
                            "The token expires in %u seconds: it may expire during the test",
                            seconds),
               seconds);
    }
}

static void
sd_check_exchange (SdJwtInfo  *info,
                   const char *tenant)
{
  if (!sd_is_exchange_audience (info->audience))
    sd_warn (info, "oauth-wrong-audience",
             _("The token is for “%s”, not Exchange Online (https://outlook.office.com): "
               "request the scope https://outlook.office.com/SMTP.Send"),
             info->audience != NULL ? info->audience : _("no audience"));
  if (info->scopes == NULL && info->roles != NULL)
    {
      sd_warn (info, "oauth-app-only",
               _("This is an app-only token (roles %s, no delegated scopes): SMTP then works "
                 "only if the app's service principal is registered in Exchange Online "
                 "and given rights on the mailbox"), info->roles);
      if (!sd_has_word (info->roles, "SMTP.SendAsApp"))
        sd_warn (info, "oauth-missing-scope",
                 _("The token's roles lack SMTP.SendAsApp"));
    }
  else if (!sd_has_word (info->scopes, "SMTP.Send"))
    sd_warn (info, "oauth-missing-scope",
             _("The token's scopes (%s) lack SMTP.Send: add the delegated permission "
               "SMTP.Send to the app registration and sign in again"),
             info->scopes != NULL ? info->scopes : _("none"));
  if (sd_is_guid (tenant) && info->tenant != NULL && g_ascii_strcasecmp (tenant, info->tenant) != 0)
    sd_warn (info, "oauth-wrong-tenant",
             _("The token is from tenant %s, not %s: sign in with an account of that tenant"),
             info->tenant, tenant);
}

static gboolean
sd_is_microsoft_issuer (const char *issuer)
{
  g_autoptr(GUri) uri = issuer != NULL ? g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL && (g_str_equal (host, "sts.windows.net") ||
                          g_str_equal (host, "login.microsoftonline.com"));
}

SdJwtInfo *
sd_jwt_inspect (const char *token,
                SdJwtFor    purpose,
                const char *tenant,
                gint64      now)
{
  SdJwtInfo *info = g_new0 (SdJwtInfo, 1);
  const char *dot1 = token != NULL ? strchr (token, '.') : NULL;
  const char *dot2 = dot1 != NULL ? strchr (dot1 + 1, '.') : NULL;
  json_t *header = NULL;
  json_t *payload = NULL;

  info->warnings = g_ptr_array_new_with_free_func (sd_warning_free);
  if (dot2 == NULL || strchr (dot2 + 1, '.') != NULL)
    return info;
  header = sd_decode_object (token, dot1 - token);
  payload = header != NULL ? sd_decode_object (dot1 + 1, dot2 - dot1 - 1) : NULL;
  if (payload != NULL)
    {
      info->is_jwt = TRUE;
      sd_read_claims (info, payload);
      sd_check_expiry (info, now);
      if (purpose == SD_JWT_FOR_EXCHANGE ||
          (purpose == SD_JWT_FOR_ISSUER && sd_is_microsoft_issuer (info->issuer)))
        sd_check_exchange (info, tenant);
    }
  json_decref (header);
  json_decref (payload);
  return info;
}

static void
sd_add_line (GString    *text,
             const char *label,
             const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_strescape (value, "\xc2\xb7");
  g_string_append_printf (text, "  %s: %s\n", label, g_utf8_validate (value, -1, NULL) ? value : escaped);
}

char *
sd_jwt_info_to_text (const SdJwtInfo *info,
                     gint64           now)
{
  GString *text = g_string_new (NULL);

  if (!info->is_jwt)
    {
      g_string_append (text, _("The access token is opaque (not a JWT; Google's never are): "
                               "there is nothing in it to check.\n"));
      return g_string_free (text, FALSE);
    }
  g_string_append (text, _("Access token (a JWT; read only, its signature is not checked):\n"));
  sd_add_line (text, _("Audience"), info->audience);
  sd_add_line (text, _("Scopes"), info->scopes);
  sd_add_line (text, _("Roles"), info->roles);
  sd_add_line (text, _("Tenant"), info->tenant);
  sd_add_line (text, _("User"), info->user);
  sd_add_line (text, _("App"), info->app);
  if (info->expires_at != 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (info->expires_at);
      g_autofree char *date = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S UTC") : NULL;
      g_autofree char *shown = NULL;

      if (info->expires_at > now)
        {
          guint minutes = (guint) MIN ((info->expires_at - now) / 60, G_MAXUINT);

          /* Translators: an expiry time, then how many minutes until then. */
          shown = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (in %u minute)",
                                                "%s (in %u minutes)", minutes),
                                   date, minutes);
        }
      else
        shown = g_strdup_printf (_("%s (expired)"), date);
      sd_add_line (text, _("Expires"), date != NULL ? shown : NULL);
    }
  for (guint i = 0; i < info->warnings->len; i++)
    {
      const SdJwtWarning *warning = info->warnings->pdata[i];
      g_string_append_printf (text, _("Warning: %s\n"), warning->message);
    }
  return g_string_free (text, FALSE);
}

char **
sd_jwt_info_dup_facts (const SdJwtInfo *info)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **facts;

  for (guint i = 0; i < info->warnings->len; i++)
    g_strv_builder_add (builder, ((SdJwtWarning *) info->warnings->pdata[i])->fact);
  facts = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return facts;
}

/* sd-profile.c: profiles in a GKeyFile
 *
 * [smtp-doctor]            format-version, last-used
 * [profile N]              name=<any text>, then one key per setting
 *
 * Group names are numbered because GKeyFile forbids '[' and ']' in them, and profile
 * names may hold anything printable.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sd-profile.h"

G_DEFINE_QUARK (sd-profile-error-quark, sd_profile_error)

#define META_GROUP "smtp-doctor"
#define MAX_NAME   200

struct _SdProfileStore {
  char      *path;
  GPtrArray *profiles;      /* (element-type SdProfile) */
  char      *last_used;
  gboolean   read_only;
};

SdProfile *
sd_profile_new (const char       *name,
                const SdSettings *settings)
{
  SdProfile *profile = g_new0 (SdProfile, 1);

  profile->name = g_strdup (name);
  profile->settings = settings ? sd_settings_copy (settings) : sd_settings_new ();
  g_clear_pointer (&profile->settings->password, g_free);  /* never kept here */
  return profile;
}

SdProfile *
sd_profile_copy (const SdProfile *profile)
{
  SdProfile *copy = sd_profile_new (profile->name, profile->settings);

  copy->remember_password = profile->remember_password;
  copy->note = g_strdup (profile->note);
  return copy;
}

void
sd_profile_free (SdProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->name);
  sd_settings_free (profile->settings);
  g_free (profile->note);
  g_free (profile);
}

/* --- one profile <-> one group -------------------------------------------------- */

static const char * const verify_names[] = {
  [SD_TLS_VERIFY] = "verify", [SD_TLS_ACCEPT_ANY] = "accept-any", [SD_TLS_PIN] = "pin",
};

static void
set_string (GKeyFile   *file,
            const char *group,
            const char *key,
            const char *value)
{
  if (value != NULL)
    g_key_file_set_string (file, group, key, value);
}

static void
sd_profile_write (const SdProfile *profile,
                  GKeyFile        *file,
                  const char      *group)
{
  const SdSettings *s = profile->settings;

  g_key_file_set_string (file, group, "name", profile->name);
  set_string (file, group, "host", s->host);
  g_key_file_set_integer (file, group, "port", s->port);
  g_key_file_set_string (file, group, "security", sd_security_to_string (s->security));
  g_key_file_set_string (file, group, "tls-verify", verify_names[s->tls_verify]);
  set_string (file, group, "tls-pin", s->tls_pin);
  set_string (file, group, "tls-ca-file", s->tls_ca_file);
  set_string (file, group, "auth", s->auth);
  set_string (file, group, "user", s->user);
  set_string (file, group, "oauth-provider", s->oauth_provider);
  set_string (file, group, "oauth-tenant", s->oauth_tenant);
  set_string (file, group, "oauth-client-id", s->oauth_client_id);
  g_key_file_set_boolean (file, group, "allow-plaintext-auth", s->allow_plaintext_auth);
  set_string (file, group, "ehlo", s->ehlo_name);
  set_string (file, group, "from", s->from);
  if (s->to != NULL)
    g_key_file_set_string_list (file, group, "to", (const char * const *) s->to,
                                g_strv_length (s->to));
  set_string (file, group, "subject", s->subject);
  set_string (file, group, "body", s->body);
  if (s->has_quit_after)
    g_key_file_set_string (file, group, "quit-after", sd_stage_to_string (s->quit_after));
  g_key_file_set_integer (file, group, "timeout", s->timeout_s);
  g_key_file_set_string (file, group, "pipelining",
                         s->pipelining == SD_PIPELINING_OFF ? "off" : "auto");
  g_key_file_set_boolean (file, group, "remember-password", profile->remember_password);
  set_string (file, group, "note", profile->note);
}

static char *
get_string (GKeyFile   *file,
            const char *group,
            const char *key)
{
  return g_key_file_get_string (file, group, key, NULL);
}

static void
replace (char **slot,
         char  *value)
{
  if (value == NULL)
    return;
  g_free (*slot);
  *slot = value;
}

/* Unknown or missing keys keep their defaults: a hand-edited profile still loads. */
static SdProfile *
sd_profile_read (GKeyFile    *file,
                 const char  *group,
                 GError     **error)
{
  g_autofree char *name = get_string (file, group, "name");
  g_autofree char *security = get_string (file, group, "security");
  g_autofree char *verify = get_string (file, group, "tls-verify");
  g_autofree char *quit_after = get_string (file, group, "quit-after");
  g_autofree char *pipelining = get_string (file, group, "pipelining");
  g_autoptr(SdProfile) profile = NULL;
  SdSettings *s;
  gint port;

  if (name == NULL || *name == '\0')
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_CORRUPT,
                   /* Translators: %s is a group name in the profiles file. */
                   _("Group [%s] has no profile name"), group);
      return NULL;
    }
  profile = sd_profile_new (name, NULL);
  s = profile->settings;

  s->host = get_string (file, group, "host");
  port = g_key_file_get_integer (file, group, "port", NULL);
  s->port = port > 0 && port <= 65535 ? port : 0;
  if (security != NULL)
    sd_security_from_string (security, &s->security);
  for (guint i = 0; verify != NULL && i < G_N_ELEMENTS (verify_names); i++)
    if (g_str_equal (verify, verify_names[i]))
      s->tls_verify = i;
  s->tls_pin = get_string (file, group, "tls-pin");
  s->tls_ca_file = get_string (file, group, "tls-ca-file");
  replace (&s->auth, get_string (file, group, "auth"));
  s->user = get_string (file, group, "user");
  s->oauth_provider = get_string (file, group, "oauth-provider");
  s->oauth_tenant = get_string (file, group, "oauth-tenant");
  s->oauth_client_id = get_string (file, group, "oauth-client-id");
  s->allow_plaintext_auth = g_key_file_get_boolean (file, group, "allow-plaintext-auth", NULL);
  s->ehlo_name = get_string (file, group, "ehlo");
  s->from = get_string (file, group, "from");
  s->to = g_key_file_get_string_list (file, group, "to", NULL, NULL);
  replace (&s->subject, get_string (file, group, "subject"));
  replace (&s->body, get_string (file, group, "body"));
  if (quit_after != NULL)
    s->has_quit_after = sd_stage_from_string (quit_after, &s->quit_after);
  s->timeout_s = CLAMP (g_key_file_get_integer (file, group, "timeout", NULL), 0, 3600);
  s->pipelining = g_strcmp0 (pipelining, "off") == 0 ? SD_PIPELINING_OFF : SD_PIPELINING_AUTO;
  profile->remember_password = g_key_file_get_boolean (file, group, "remember-password", NULL);
  profile->note = get_string (file, group, "note");
  return g_steal_pointer (&profile);
}

/* --- the store ------------------------------------------------------------------ */

SdProfileStore *
sd_profile_store_new (const char *path)
{
  SdProfileStore *self = g_new0 (SdProfileStore, 1);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_config_dir (), "smtp-doctor",
                                                "profiles.ini", NULL);
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_profile_free);
  return self;
}

void
sd_profile_store_free (SdProfileStore *self)
{
  if (self == NULL)
    return;
  g_free (self->path);
  g_ptr_array_unref (self->profiles);
  g_free (self->last_used);
  g_free (self);
}

const char *
sd_profile_store_get_path (SdProfileStore *self)
{
  return self->path;
}

gboolean
sd_profile_store_is_read_only (SdProfileStore *self)
{
  return self->read_only;
}

/* Reads @file's profiles into @into; FALSE if it can't be parsed. */
static gboolean
sd_profile_read_file (const char  *file_path,
                      GPtrArray   *into,
                      char       **last_used,
                      gint        *version,
                      GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_file (file, file_path, G_KEY_FILE_KEEP_COMMENTS, error))
    return FALSE;
  *version = g_key_file_get_integer (file, META_GROUP, "format-version", NULL);
  if (last_used != NULL)
    *last_used = g_key_file_get_string (file, META_GROUP, "last-used", NULL);

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      SdProfile *profile;

      if (!g_str_has_prefix (groups[i], "profile "))
        continue;
      profile = sd_profile_read (file, groups[i], error);
      if (profile == NULL)
        return FALSE;
      g_ptr_array_add (into, profile);
    }
  return TRUE;
}

gboolean
sd_profile_store_load (SdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_profile_free);
  g_autoptr(GError) local = NULL;
  g_autofree char *last_used = NULL;
  gint version = 0;

  g_ptr_array_set_size (self->profiles, 0);
  g_clear_pointer (&self->last_used, g_free);
  self->read_only = FALSE;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    return TRUE;

  if (!sd_profile_read_file (self->path, loaded, &last_used, &version, &local))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_autofree char *aside = g_strdup_printf ("%s.corrupt-%s", self->path, stamp);

      /* Never lose it: the user may want to repair it by hand. */
      if (g_rename (self->path, aside) != 0)
        g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_CORRUPT,
                     /* Translators: a file name, then why. */
                     _("The profiles file %s cannot be read (%s) and could not be moved aside"),
                     self->path, local->message);
      else
        g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_CORRUPT,
                     /* Translators: why, then a file name. */
                     _("The profiles file could not be read (%s); it was kept as %s and a "
                       "new one will be started"), local->message, aside);
      return FALSE;
    }

  g_ptr_array_extend_and_steal (self->profiles, g_steal_pointer (&loaded));
  self->last_used = g_steal_pointer (&last_used);
  self->read_only = version > SD_PROFILE_FORMAT_VERSION;
  return TRUE;
}

static GKeyFile *
sd_profile_store_to_keyfile (SdProfileStore *self,
                             gboolean        for_export)
{
  GKeyFile *file = g_key_file_new ();

  g_key_file_set_comment (file, NULL, NULL,
                          " SMTP Doctor profiles. Passwords are never stored here.", NULL);
  g_key_file_set_integer (file, META_GROUP, "format-version", SD_PROFILE_FORMAT_VERSION);
  if (!for_export && self->last_used != NULL)
    g_key_file_set_string (file, META_GROUP, "last-used", self->last_used);
  for (guint i = 0; i < self->profiles->len; i++)
    {
      g_autofree char *group = g_strdup_printf ("profile %u", i + 1);
      g_autoptr(SdProfile) copy = sd_profile_copy (self->profiles->pdata[i]);

      if (for_export)
        copy->remember_password = FALSE;
      sd_profile_write (copy, file, group);
    }
  return file;
}

static gboolean
sd_write_keyfile (GKeyFile    *file,
                  const char  *path,
                  GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize len;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_IO,
                   _("Cannot create the folder %s"), dir);
      return FALSE;
    }
  data = g_key_file_to_data (file, &len, NULL);
  /* Written to a temporary file and renamed: a crash or a second writer never leaves
   * half a file. */
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
sd_profile_store_save (SdProfileStore  *self,
                       GError         **error)
{
  g_autoptr(GKeyFile) file = NULL;

  if (self->read_only)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NEWER_FORMAT,
                   /* Translators: %s is a file name. */
                   _("%s was written by a newer SMTP Doctor; it is not overwritten so that "
                     "nothing in it is lost"), self->path);
      return FALSE;
    }
  file = sd_profile_store_to_keyfile (self, FALSE);
  return sd_write_keyfile (file, self->path, error);
}

GPtrArray *
sd_profile_store_list (SdProfileStore *self)
{
  return self->profiles;
}

static gint
sd_profile_store_index (SdProfileStore *self,
                        const char     *name)
{
  for (guint i = 0; i < self->profiles->len; i++)
    if (g_str_equal (((SdProfile *) self->profiles->pdata[i])->name, name))
      return i;
  return -1;
}

SdProfile *
sd_profile_store_lookup (SdProfileStore *self,
                         const char     *name)
{
  gint i = sd_profile_store_index (self, name);
  return i >= 0 ? self->profiles->pdata[i] : NULL;
}

static gboolean
sd_profile_name_is_valid (const char  *name,
                          GError     **error)
{
  if (name == NULL || *name == '\0' || strlen (name) > MAX_NAME ||
      !g_utf8_validate (name, -1, NULL))
    goto invalid;
  for (const char *p = name; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      goto invalid;
  return TRUE;

invalid:
  g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_INVALID_NAME,
               _("A profile name must be 1 to %d characters of text, without line breaks "
                 "or control characters"), MAX_NAME);
  return FALSE;
}

gboolean
sd_profile_store_put (SdProfileStore   *self,
                      const SdProfile  *profile,
                      GError          **error)
{
  gint i;

  if (!sd_profile_name_is_valid (profile->name, error))
    return FALSE;
  i = sd_profile_store_index (self, profile->name);
  if (i >= 0)
    {
      sd_profile_free (self->profiles->pdata[i]);
      self->profiles->pdata[i] = sd_profile_copy (profile);
    }
  else
    g_ptr_array_add (self->profiles, sd_profile_copy (profile));
  return TRUE;
}

gboolean
sd_profile_store_remove (SdProfileStore  *self,
                         const char      *name,
                         GError         **error)
{
  gint i = sd_profile_store_index (self, name);

  if (i < 0)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND,
                   _("No profile named “%s”"), name);
      return FALSE;
    }
  g_ptr_array_remove_index (self->profiles, i);
  if (g_strcmp0 (self->last_used, name) == 0)
    g_clear_pointer (&self->last_used, g_free);
  return TRUE;
}

gboolean
sd_profile_store_rename (SdProfileStore  *self,
                         const char      *old_name,
                         const char      *new_name,
                         GError         **error)
{
  SdProfile *profile = sd_profile_store_lookup (self, old_name);

  if (profile == NULL)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND,
                   _("No profile named “%s”"), old_name);
      return FALSE;
    }
  if (!sd_profile_name_is_valid (new_name, error))
    return FALSE;
  if (sd_profile_store_lookup (self, new_name) != NULL)
    {
      g_set_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_EXISTS,
                   _("A profile named “%s” already exists"), new_name);
      return FALSE;
    }
  if (g_strcmp0 (self->last_used, old_name) == 0)
    sd_profile_store_set_last_used (self, new_name);
  g_free (profile->name);
  profile->name = g_strdup (new_name);
  return TRUE;
}

const char *
sd_profile_store_get_last_used (SdProfileStore *self)
{
  return self->last_used;
}

void
sd_profile_store_set_last_used (SdProfileStore *self,
                                const char     *name)
{
  g_free (self->last_used);
  self->last_used = g_strdup (name);
}

gboolean
sd_profile_store_export (SdProfileStore  *self,
                         const char      *file,
                         GError         **error)
{
  g_autoptr(GKeyFile) keyfile = sd_profile_store_to_keyfile (self, TRUE);
  return sd_write_keyfile (keyfile, file, error);
}

gint
sd_profile_store_import (SdProfileStore  *self,
                         const char      *file,
                         GError         **error)
{
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_profile_free);
  gint version = 0;

  if (!sd_profile_read_file (file, loaded, NULL, &version, error))
    return -1;
  for (guint i = 0; i < loaded->len; i++)
    {
      SdProfile *profile = loaded->pdata[i];
      g_autofree char *base = g_strdup (profile->name);

      /* What a colleague sends has no secrets to remember. */
      profile->remember_password = FALSE;
      for (guint n = 2; sd_profile_store_lookup (self, profile->name) != NULL; n++)
        {
          g_free (profile->name);
          profile->name = g_strdup_printf ("%s (%u)", base, n);
        }
      if (!sd_profile_store_put (self, profile, error))
        return -1;
    }
  return loaded->len;
}

/* sd-cli-profiles.c: smtp-doctor-cli profiles list|show|save|delete|export|import
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "sd-cli.h"
#include "sd-cli-options.h"
#include "sd-presets.h"
#include "sd-profile.h"
#include "sd-secret.h"
#include "sd-secret-store.h"

static void
sd_profiles_usage (FILE       *out,
                   const char *path)
{
  /* Translators: keep the commands and options; %s is a file name. */
  fprintf (out, _(
    "Usage: smtp-doctor-cli profiles COMMAND\n"
    "\n"
    "  list                 the saved profiles\n"
    "  show NAME            one profile's settings\n"
    "  presets              the services a profile can start from\n"
    "  save NAME [FLAGS]    create or update NAME with the flags of `send`; add\n"
    "                       --preset ID to start from a preset, and --remember-password\n"
    "                       to keep the password in the OS secret store\n"
    "  delete NAME          delete NAME and its stored password\n"
    "  export FILE          write every profile to FILE, without secrets\n"
    "  import FILE          add the profiles in FILE\n"
    "\n"
    "Profiles live in %s; passwords never go there.\n"),
           path);
}

static int
sd_fail (const char *message)
{
  fprintf (stderr, "smtp-doctor-cli profiles: %s\n", message);
  return SD_CLI_EXIT_USAGE;
}

static SdProfileStore *
sd_open_store (GError **error)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (NULL);

  if (!sd_profile_store_load (store, error))
    return NULL;
  return g_steal_pointer (&store);
}

static int
sd_profiles_list (SdProfileStore *store)
{
  GPtrArray *profiles = sd_profile_store_list (store);

  for (guint i = 0; i < profiles->len; i++)
    {
      const SdProfile *profile = profiles->pdata[i];
      const SdSettings *s = profile->settings;

      printf ("%s\t%s:%u\t%s\t%s\n", profile->name, s->host ? s->host : "-",
              sd_settings_get_port (s), sd_security_to_string (s->security),
              s->user ? s->user : _("(no auth)"));
    }
  return 0;
}

static int
sd_profiles_show (SdProfileStore *store,
                  const char     *name)
{
  SdProfile *profile = sd_profile_store_lookup (store, name);
  const SdSettings *s;
  g_autofree char *to = NULL;

  if (profile == NULL)
    return sd_fail (_("no such profile"));
  s = profile->settings;
  to = s->to ? g_strjoinv (", ", s->to) : g_strdup ("");
  /* Translators: one profile's settings, a “label: value” per line. Values in English
   * (starttls, verify, accept-any, pin:) are settings' values: they stay. */
  printf (_("name: %s\n"), profile->name);
  printf (_("server: %s\n"), s->host ? s->host : "");
  printf (_("port: %u\n"), sd_settings_get_port (s));
  printf (_("security: %s\n"), sd_security_to_string (s->security));
  printf (_("certificate check: %s%s\n"),
          s->tls_verify == SD_TLS_VERIFY ? "verify" :
          s->tls_verify == SD_TLS_ACCEPT_ANY ? "accept-any" : "pin:",
          s->tls_verify == SD_TLS_PIN && s->tls_pin ? s->tls_pin : "");
  printf (_("trusted CAs: %s\n"), s->tls_ca_file ? s->tls_ca_file : _("the system's"));
  printf (_("authentication: %s\n"), s->auth);
  printf (_("user: %s\n"), s->user ? s->user : "");
  printf (_("password: %s\n"), profile->remember_password ? _("remembered in the secret store")
                                                          : _("not stored"));
  printf (_("from: %s\n"), s->from ? s->from : "");
  printf (_("to: %s\n"), to);
  printf (_("subject: %s\n"), s->subject ? s->subject : "");
  if (profile->note != NULL)
    printf (_("note: %s\n"), profile->note);
  return 0;
}

static int
sd_profiles_save (SdProfileStore  *store,
                  int              argc,
                  char           **argv)
{
  /* Translators: the summary in `profiles save --help`; keep NAME. */
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME - save a profile"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SdProfile) profile = NULL;
  gboolean remember = FALSE;
  g_autofree char *preset_id = NULL;
  SdCliOptions options;
  const GOptionEntry extra[] = {
    { "remember-password", 0, 0, G_OPTION_ARG_NONE, &remember, N_("Keep the password in the OS secret store"), NULL },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &preset_id, N_("Start from the preset ID (see profiles presets)"), N_("ID") },
    { NULL }
  };
  SdProfile *existing;
  gboolean ok;

  sd_cli_options_init (&options);
  sd_cli_options_add_entries (&options, context);
  g_option_context_add_main_entries (context, extra, GETTEXT_PACKAGE);
  ok = g_option_context_parse (context, &argc, &argv, &error);
  sd_cli_option_error_clean (error);
  if (ok && argc != 2)
    {
      sd_cli_options_clear (&options);
      return sd_fail (_("save takes exactly one NAME"));
    }
  existing = ok ? sd_profile_store_lookup (store, argv[1]) : NULL;
  if (ok && preset_id != NULL)
    {
      const SdPreset *preset = sd_presets_lookup (preset_id);
      if (preset == NULL)
        {
          sd_cli_options_clear (&options);
          return sd_fail (_("unknown preset (see smtp-doctor-cli profiles presets)"));
        }
      profile = sd_preset_to_profile (preset);
      g_free (profile->name);
      profile->name = g_strdup (argv[1]);
    }
  else
    profile = existing ? sd_profile_copy (existing) : sd_profile_new (ok ? argv[1] : "", NULL);
  ok = ok && sd_cli_options_apply (&options, profile->settings, &error);
  sd_cli_options_clear (&options);
  if (!ok)
    return sd_fail (error->message);

  if (remember && profile->settings->password == NULL)
    return sd_fail (_("--remember-password needs the password (--password-env, "
                      "--password-file or --password-stdin)"));
  if (remember)
    {
      if (!sd_secret_store_save (sd_secret_store_get_default (), profile->name,
                                 profile->settings->password, &error))
        {
          /* The profile is still worth keeping; the password will be asked for. */
          fprintf (stderr, "smtp-doctor-cli profiles: %s\n", error->message);
          g_clear_error (&error);
          remember = FALSE;
        }
      profile->remember_password = remember;
    }
  sd_secret_free (g_steal_pointer (&profile->settings->password));

  if (!sd_profile_store_put (store, profile, &error) || !sd_profile_store_save (store, &error))
    return sd_fail (error->message);
  printf (profile->remember_password ? _("Saved profile “%s” (password in the secret store)\n")
                                     : _("Saved profile “%s”\n"), profile->name);
  return 0;
}

int
sd_cli_profiles (int    argc,
                 char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdProfileStore) store = NULL;
  const char *command = argc > 1 ? argv[1] : NULL;

  if (command == NULL || g_str_equal (command, "--help") || g_str_equal (command, "help"))
    {
      g_autoptr(SdProfileStore) where = sd_profile_store_new (NULL);
      sd_profiles_usage (command ? stdout : stderr, sd_profile_store_get_path (where));
      return command ? 0 : SD_CLI_EXIT_USAGE;
    }

  store = sd_open_store (&error);
  if (store == NULL)
    return sd_fail (error->message);

  if (g_str_equal (command, "list") && argc == 2)
    return sd_profiles_list (store);
  if (g_str_equal (command, "presets") && argc == 2)
    {
      guint n;
      const SdPreset *presets = sd_presets_get (&n);
      for (guint i = 0; i < n; i++)
        printf ("%s\t%s\t%s:%u\t%s\n  %s\n", presets[i].id, _(presets[i].name),
                presets[i].host ? presets[i].host : _("(your server)"), presets[i].port,
                sd_security_to_string (presets[i].security), _(presets[i].note));
      return 0;
    }
  if (g_str_equal (command, "show") && argc == 3)
    return sd_profiles_show (store, argv[2]);
  if (g_str_equal (command, "save"))
    return sd_profiles_save (store, argc - 1, argv + 1);
  if (g_str_equal (command, "delete") && argc == 3)
    {
      SdProfile *profile = sd_profile_store_lookup (store, argv[2]);
      gboolean had_secret = profile != NULL && profile->remember_password;

      if (!sd_profile_store_remove (store, argv[2], &error) ||
          !sd_profile_store_save (store, &error) ||
          (had_secret && !sd_secret_store_delete (sd_secret_store_get_default (), argv[2], &error)))
        return sd_fail (error->message);
      printf (_("Deleted profile “%s”\n"), argv[2]);
      return 0;
    }
  if (g_str_equal (command, "export") && argc == 3)
    {
      if (!sd_profile_store_export (store, argv[2], &error))
        return sd_fail (error->message);
      guint n = sd_profile_store_list (store)->len;
      /* Translators: a number of profiles, then a file name. */
      printf (ngettext ("Exported %u profile to %s (no passwords)\n",
                        "Exported %u profiles to %s (no passwords)\n", n), n, argv[2]);
      return 0;
    }
  if (g_str_equal (command, "import") && argc == 3)
    {
      gint n = sd_profile_store_import (store, argv[2], &error);
      if (n < 0 || !sd_profile_store_save (store, &error))
        return sd_fail (error->message);
      printf (ngettext ("Imported %d profile\n", "Imported %d profiles\n", n), n);
      return 0;
    }
  return sd_fail (_("unknown command or wrong arguments (see smtp-doctor-cli profiles help)"));
}

/* sd-cli-oauth.c: smtp-doctor-cli oauth login|show|logout, and the stored token for send
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "sd-cli.h"
#include "sd-cli-oauth.h"
#include "sd-jwt.h"
#include "sd-oauth-store.h"
#include "sd-secret.h"

/* Exit codes, like send's where they mean the same. */
#define SD_OAUTH_EXIT_NETWORK 2
#define SD_OAUTH_EXIT_REFUSED 4
#define SD_OAUTH_EXIT_CANCELLED 8

static const char oauth_help[] = N_(
  "Commands:\n"
  "  login   Sign in with the device code flow and store the token\n"
  "  show    Show what the stored token says (no network)\n"
  "  logout  Delete the stored token\n"
  "\n"
  "Microsoft 365: --provider microsoft --tenant TENANT --client-id ID, the client ID of\n"
  "your own app registration (public client flows allowed; delegated permission\n"
  "SMTP.Send). Google: --provider google --client-id ID --client-secret-env VAR.\n"
  "Tokens are kept only in the system's secret store, keyed by provider, tenant,\n"
  "client ID and --user; send --auth xoauth2 with the same flags uses them.\n"
  "\n"
  "Exit codes: 0 done, 1 bad usage, 2 the identity provider could not be reached,\n"
  "4 refused, declined or expired, 8 cancelled or internal error.\n");

typedef struct {
  GMainLoop    *loop;
  SdOAuthToken *token;
  GError       *error;
} Login;

static int
sd_oauth_exit_code (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return SD_OAUTH_EXIT_CANCELLED;
  if (error->domain == SD_OAUTH_ERROR)
    switch ((SdOAuthError) error->code)
      {
      case SD_OAUTH_ERROR_INVALID_INPUT:
        return SD_CLI_EXIT_USAGE;
      case SD_OAUTH_ERROR_NETWORK:
        return SD_OAUTH_EXIT_NETWORK;
      case SD_OAUTH_ERROR_MALFORMED:
      case SD_OAUTH_ERROR_DENIED:
      case SD_OAUTH_ERROR_EXPIRED:
      case SD_OAUTH_ERROR_REFUSED:
      case SD_OAUTH_ERROR_NOT_SIGNED_IN:
        return SD_OAUTH_EXIT_REFUSED;
      }
  return SD_OAUTH_EXIT_CANCELLED;
}

SdOAuthAccount *
sd_cli_oauth_account (const char  *provider,
                      const char  *tenant,
                      const char  *client_id,
                      const char  *client_secret_env,
                      const char  *user,
                      GError     **error)
{
  g_autoptr(SdOAuthAccount) account = NULL;
  SdOAuthProvider kind;

  if (provider == NULL || !sd_oauth_provider_from_string (provider, &kind))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--oauth-provider (or --provider) must be microsoft or google"));
      return NULL;
    }
  account = sd_oauth_account_new (kind);
  account->tenant = g_strdup (tenant);
  account->client_id = g_strdup (client_id);
  account->user = g_strdup (user);
  if (client_secret_env != NULL)
    {
      const char *value = g_getenv (client_secret_env);
      if (value == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The environment variable %s is not set"), client_secret_env);
          return NULL;
        }
      account->client_secret = g_strdup (value);
    }
  if (kind == SD_OAUTH_PROVIDER_GOOGLE && tenant != NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--tenant is for Microsoft only"));
      return NULL;
    }
  return g_steal_pointer (&account);
}

void
sd_cli_oauth_print_token (const char *token,
                          const char *provider,
                          const char *tenant)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SdJwtFor purpose = g_strcmp0 (provider, "microsoft") == 0 ? SD_JWT_FOR_EXCHANGE
                     : provider == NULL ? SD_JWT_FOR_ISSUER : SD_JWT_FOR_ANY;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token, purpose, tenant, now);
  g_autofree char *text = sd_jwt_info_to_text (info, now);

  printf ("%s", text);
  fflush (stdout);
}

static void
sd_on_code (const SdOAuthDeviceCode *code,
            gpointer                 user_data)
{
  guint *shown = user_data;

  if ((*shown)++ == 0)
    {
      printf (_("To sign in, open %s and enter the code %s\n"), code->verification_uri,
              code->user_code);
      if (code->verification_uri_complete != NULL)
        printf (_("(or open %s, which has the code filled in)\n"), code->verification_uri_complete);
      printf (_("Waiting for the sign-in (the code is valid for %u minutes; Ctrl+C cancels)…\n"),
              (code->expires_in_s + 59) / 60);
    }
  else
    printf (_("The identity provider asked to poll less often: every %u s now\n"),
            code->interval_s);
  fflush (stdout);
}

static void
sd_on_signed_in (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Login *login = user_data;

  login->token = sd_oauth_sign_in_finish (result, &login->error);
  g_main_loop_quit (login->loop);
}

static gboolean
sd_on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static int
sd_oauth_login (const SdOAuthAccount *account)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SdOAuthToken) token = NULL;
  g_autoptr(GError) error = NULL;
  SdSecretStore *store = sd_secret_store_get_default ();
  guint *shown = g_new0 (guint, 1);
  Login login = { loop, NULL, NULL };

  sd_cli_on_interrupt (sd_on_interrupt, cancellable);
  sd_oauth_sign_in_async (account, sd_on_code, shown, g_free, cancellable, sd_on_signed_in, &login);
  g_main_loop_run (loop);
  token = g_steal_pointer (&login.token);
  error = g_steal_pointer (&login.error);
  if (token == NULL)
    {
      fprintf (stderr, "smtp-doctor-cli oauth login: %s\n", error->message);
      return sd_oauth_exit_code (error);
    }
  if (!sd_oauth_store_save (store, account, token, &error))
    {
      fprintf (stderr, "smtp-doctor-cli oauth login: %s\n", error->message);
      return SD_OAUTH_EXIT_CANCELLED;
    }
  printf (_("Signed in. The token is stored in the secret store (%s)%s.\n"),
          sd_secret_store_get_name (store),
          token->refresh_token != NULL ? _(" with a refresh token") : "");
  sd_cli_oauth_print_token (token->access_token, sd_oauth_provider_to_string (account->provider),
                            account->tenant);
  return 0;
}

static int
sd_oauth_show (const SdOAuthAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthToken) token = sd_oauth_store_load (sd_secret_store_get_default (),
                                                       account, &error);

  if (token == NULL)
    {
      fprintf (stderr, "smtp-doctor-cli oauth show: %s\n",
               error != NULL ? error->message : _("Not signed in for this provider, tenant, "
                                                  "client ID and user"));
      return SD_OAUTH_EXIT_REFUSED;
    }
  printf (_("Stored sign-in%s.\n"), token->refresh_token != NULL ? _(" with a refresh token") : "");
  sd_cli_oauth_print_token (token->access_token, sd_oauth_provider_to_string (account->provider),
                            account->tenant);
  return 0;
}

static int
sd_oauth_logout (const SdOAuthAccount *account)
{
  g_autoptr(GError) error = NULL;

  if (!sd_oauth_store_delete (sd_secret_store_get_default (), account, &error))
    {
      fprintf (stderr, "smtp-doctor-cli oauth logout: %s\n", error->message);
      return SD_OAUTH_EXIT_CANCELLED;
    }
  printf (_("The stored sign-in is deleted.\n"));
  return 0;
}

/* A usage error: what was wrong, then where the help is; @command may be NULL. */
static int
sd_oauth_usage_error (const char *command,
                      const char *message)
{
  fprintf (stderr, "smtp-doctor-cli oauth%s%s: %s\n%s\n", command ? " " : "", command ? command : "",
           message, _("(see smtp-doctor-cli oauth --help)"));
  return SD_CLI_EXIT_USAGE;
}

int
sd_cli_oauth (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (
    /* Translators: the summary in `smtp-doctor-cli oauth --help`; keep the commands. */
    _("login|show|logout - OAuth 2.0 sign-in for XOAUTH2 and OAUTHBEARER"));
  g_autoptr(SdOAuthAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL, *tenant = NULL, *client_id = NULL, *secret_env = NULL, *user = NULL;
  const GOptionEntry entries[] = {
    { "provider", 0, 0, G_OPTION_ARG_STRING, &provider, N_("microsoft or google"), N_("NAME") },
    { "tenant", 0, 0, G_OPTION_ARG_STRING, &tenant, N_("Microsoft: directory (tenant) ID, a domain of the tenant, or organizations"), N_("TENANT") },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id, N_("Client ID of your own app registration or OAuth client"), N_("ID") },
    { "client-secret-env", 0, 0, G_OPTION_ARG_STRING, &secret_env, N_("Google: the client secret, from environment variable VAR"), N_("VAR") },
    { "user", 'u', 0, G_OPTION_ARG_STRING, &user, N_("Whose sign-in this is (the SMTP user name; part of the stored token's key)"), N_("NAME") },
    { NULL }
  };
  const char *command;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _(oauth_help));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      sd_cli_option_error_clean (error);
      return sd_oauth_usage_error (NULL, error->message);
    }
  command = argc > 1 ? argv[1] : NULL;
  if (argc != 2 || (!g_str_equal (command, "login") && !g_str_equal (command, "show") &&
                    !g_str_equal (command, "logout")))
    return sd_oauth_usage_error (NULL, _("say login, show or logout"));
  account = sd_cli_oauth_account (provider, tenant, client_id, secret_env, user, &error);
  if (account != NULL && g_str_equal (command, "login"))
    sd_oauth_account_validate (account, &error);
  else if (account != NULL && account->client_secret == NULL)
    {
      /* show and logout need no secret; validate the rest only. */
      account->client_secret = g_strdup ("-");
      sd_oauth_account_validate (account, &error);
      g_clear_pointer (&account->client_secret, sd_secret_free);
    }
  else if (account != NULL)
    sd_oauth_account_validate (account, &error);
  if (error != NULL)
    return sd_oauth_usage_error (command, error->message);
  if (g_str_equal (command, "login"))
    return sd_oauth_login (account);
  if (g_str_equal (command, "show"))
    return sd_oauth_show (account);
  return sd_oauth_logout (account);
}

char *
sd_cli_oauth_stored_token (const SdSettings  *settings,
                           gboolean           quiet,
                           GError           **error)
{
  gboolean refreshed = FALSE;
  char *token = sd_oauth_store_get_access_token (sd_secret_store_get_default (), settings,
                                                 &refreshed, NULL, error);

  if (token != NULL && !quiet)
    printf (refreshed ? _("Using the stored sign-in (renewed just now).\n")
                      : _("Using the stored sign-in.\n"));
  return token;
}

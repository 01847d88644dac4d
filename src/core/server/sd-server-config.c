/* sd-server-config.c: the built-in server's configuration and its records of
 * sessions and messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-secret.h"
#include "sd-server-fault.h"
#include "sd-server-private.h"

/* --- config ---------------------------------------------------------------------- */

static void
sd_server_account_free (SdServerAccount *account)
{
  g_free (account->user);
  sd_secret_free (account->password);
  g_free (account);
}

SdServerConfig *
sd_server_config_new (void)
{
  SdServerConfig *config = g_new0 (SdServerConfig, 1);

  config->starttls = TRUE;
  config->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_server_account_free);
  config->relay_domains = g_ptr_array_new_with_free_func (g_free);
  config->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_server_fault_free);
  return config;
}

void
sd_server_config_free (SdServerConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->listen_address);
  g_free (config->hostname);
  g_free (config->cert_pem);
  sd_secret_free (config->key_pem);
  g_free (config->cert_dir);
  g_clear_pointer (&config->accounts, g_ptr_array_unref);
  g_clear_pointer (&config->relay_domains, g_ptr_array_unref);
  g_free (config->maildir);
  g_free (config->gssapi_keytab);
  g_free (config->connector);
  g_clear_pointer (&config->faults, g_ptr_array_unref);
  g_free (config);
}

void
sd_server_config_add_account (SdServerConfig *config,
                              const char     *user,
                              const char     *password)
{
  SdServerAccount *account = g_new0 (SdServerAccount, 1);

  account->user = g_strdup (user);
  account->password = g_strdup (password != NULL ? password : "");
  g_ptr_array_add (config->accounts, account);
}

void
sd_server_config_add_relay_domain (SdServerConfig *config,
                                   const char     *domain)
{
  g_ptr_array_add (config->relay_domains, g_ascii_strdown (domain, -1));
}

SdServerConfig *
sd_server_config_copy (const SdServerConfig *config)
{
  SdServerConfig *copy = sd_server_config_new ();
  GPtrArray *accounts = copy->accounts;
  GPtrArray *domains = copy->relay_domains;
  GPtrArray *faults = copy->faults;

  *copy = *config;
  copy->accounts = accounts;
  copy->relay_domains = domains;
  copy->faults = faults;
  copy->connector = g_strdup (config->connector);
  copy->listen_address = g_strdup (config->listen_address);
  copy->hostname = g_strdup (config->hostname);
  copy->cert_pem = g_strdup (config->cert_pem);
  copy->key_pem = g_strdup (config->key_pem);
  copy->cert_dir = g_strdup (config->cert_dir);
  copy->maildir = g_strdup (config->maildir);
  copy->gssapi_keytab = g_strdup (config->gssapi_keytab);
  for (guint i = 0; config->accounts != NULL && i < config->accounts->len; i++)
    {
      const SdServerAccount *account = config->accounts->pdata[i];
      sd_server_config_add_account (copy, account->user, account->password);
    }
  for (guint i = 0; config->relay_domains != NULL && i < config->relay_domains->len; i++)
    sd_server_config_add_relay_domain (copy, config->relay_domains->pdata[i]);
  for (guint i = 0; config->faults != NULL && i < config->faults->len; i++)
    sd_server_config_add_fault (copy, config->faults->pdata[i]);
  return copy;
}

/* Fills in the defaults so the rest of the code never looks at a 0. */
void
_sd_server_config_settle (SdServerConfig *config)
{
  if (config->hostname == NULL)
    config->hostname = g_strdup (SD_SERVER_DEFAULT_HOSTNAME);
  if (config->max_size == 0)
    config->max_size = SD_SERVER_DEFAULT_MAX_SIZE;
  if (config->max_messages == 0)
    config->max_messages = 100;
  if (config->max_line == 0)
    config->max_line = 4096;
  config->max_line = MAX (config->max_line, 1000);   /* RFC 5321 4.5.3.1.4/6 */
  if (config->max_commands == 0)
    config->max_commands = 1000;
  if (config->max_sessions == 0)
    config->max_sessions = 50;
  if (config->idle_timeout_s == 0)
    config->idle_timeout_s = 300;
  if (config->rate_window_s == 0)
    config->rate_window_s = 60;
  if (config->max_sessions_per_client == 0)
    config->max_sessions_per_client = 10;
  if (config->greeting_timeout_s == 0)
    config->greeting_timeout_s = 60;
  if (config->command_timeout_s == 0)
    config->command_timeout_s = 60;
}

/* --- messages and session records ------------------------------------------------ */

SdServerMessage *
sd_server_message_copy (const SdServerMessage *message)
{
  SdServerMessage *copy = g_new0 (SdServerMessage, 1);

  copy->session_id = message->session_id;
  copy->mail_from = g_strdup (message->mail_from);
  copy->rcpt_to = g_strdupv (message->rcpt_to);
  copy->auth_user = g_strdup (message->auth_user);
  copy->tls = message->tls;
  copy->received = message->received;
  copy->data = g_bytes_ref (message->data);
  copy->mail_params = g_strdup (message->mail_params);
  copy->rcpt_params = g_strdupv (message->rcpt_params);
  copy->path = g_strdup (message->path);
  return copy;
}

void
sd_server_message_free (SdServerMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->mail_from);
  g_strfreev (message->rcpt_to);
  g_free (message->auth_user);
  g_clear_pointer (&message->data, g_bytes_unref);
  g_free (message->mail_params);
  g_strfreev (message->rcpt_params);
  g_free (message->path);
  g_free (message);
}

SdServerSession *
sd_server_session_copy (const SdServerSession *session)
{
  SdServerSession *copy = g_memdup2 (session, sizeof *session);

  copy->peer = g_strdup (session->peer);
  copy->ehlo_name = g_strdup (session->ehlo_name);
  copy->tls_version = g_strdup (session->tls_version);
  copy->client_hello = session->client_hello != NULL
                       ? sd_tls_client_hello_copy (session->client_hello) : NULL;
  copy->auth_mechanism = g_strdup (session->auth_mechanism);
  copy->auth_user = g_strdup (session->auth_user);
  copy->end_reason = g_strdup (session->end_reason);
  /* A finished record does not change: its arrays are shared. */
  copy->mail_from = session->mail_from ? g_ptr_array_ref (session->mail_from) : NULL;
  copy->events = session->events ? g_ptr_array_ref (session->events) : NULL;
  copy->hints = session->hints ? g_ptr_array_ref (session->hints) : NULL;
  return copy;
}

void
sd_server_session_free (SdServerSession *session)
{
  if (session == NULL)
    return;
  g_free (session->peer);
  g_free (session->ehlo_name);
  g_free (session->tls_version);
  g_clear_pointer (&session->client_hello, sd_tls_client_hello_free);
  g_free (session->auth_mechanism);
  g_free (session->auth_user);
  g_clear_pointer (&session->mail_from, g_ptr_array_unref);
  g_free (session->end_reason);
  g_clear_pointer (&session->events, g_ptr_array_unref);
  g_clear_pointer (&session->hints, g_ptr_array_unref);
  g_free (session);
}


/* sd-settings-form-oauth.c: the form's sign-in rows and what the stored token says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-jwt.h"
#include "sd-oauth-dialog.h"
#include "sd-oauth-store.h"
#include "sd-secret-store.h"
#include "sd-settings-form-private.h"

/* A sign-in replaces the password: provider, tenant (Microsoft), client ID, secret
 * (Google) and the sign-in button. */
void
sd_settings_form_update_auth_rows (SdSettingsForm *self)
{
  gboolean oauth = sd_settings_form_is_oauth (self);
  gboolean google = sd_settings_form_is_google (self);
  const struct { GtkWidget *widget; gboolean visible; } rows[] = {
    { self->password_label, !oauth },
    { self->password_box, !oauth },
    { GTK_WIDGET (self->remember_check), !oauth },
    { self->provider_label, oauth },
    { GTK_WIDGET (self->provider_combo), oauth },
    { self->tenant_label, oauth && !google },
    { GTK_WIDGET (self->tenant_entry), oauth && !google },
    { self->client_id_label, oauth },
    { GTK_WIDGET (self->client_id_entry), oauth },
    { self->client_secret_label, oauth && google },
    { GTK_WIDGET (self->client_secret_entry), oauth && google },
    { self->oauth_box, oauth },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_visible (rows[i].widget, rows[i].visible);
}

/* The account the form names, with the typed client secret; NULL and a reason when
 * something is missing. (transfer full) */
static SdOAuthAccount *
sd_settings_form_dup_oauth_account (SdSettingsForm  *self,
                                    GError         **error)
{
  g_autoptr(SdSettings) settings = sd_settings_form_read (self, TRUE);
  g_autoptr(SdOAuthAccount) account = sd_oauth_account_for_settings (settings, error);
  const char *secret = gtk_entry_get_text (self->client_secret_entry);

  if (account == NULL)
    return NULL;
  if (account->user == NULL)
    {
      g_set_error_literal (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT,
                           _("Enter the user first: the sign-in is kept for that user."));
      return NULL;
    }
  if (account->provider == SD_OAUTH_PROVIDER_GOOGLE && *secret != '\0')
    account->client_secret = g_strdup (secret);
  if (!sd_oauth_account_validate (account, error))
    return NULL;
  return g_steal_pointer (&account);
}

static char *
sd_format_time (gint64 unix_s)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_s);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

/* "Signed in as …, token valid until …", or why it will not do. (transfer full) */
static char *
sd_describe_token (const SdOAuthAccount *account,
                   const SdOAuthToken   *token)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token->access_token, SD_JWT_FOR_ANY, NULL, now);
  const char *who = info->user != NULL ? info->user : account->user;
  g_autofree char *until = sd_format_time (token->expires_at);

  if (token->expires_at == 0)
    return g_strdup_printf (_("Signed in as %s."), who);
  if (!sd_oauth_token_expires_by (token, now, 0))
    /* Translators: a user, then a date and time. */
    return g_strdup_printf (_("Signed in as %s, token valid until %s."), who, until);
  if (token->refresh_token != NULL)
    return g_strdup_printf (_("Signed in as %s; the token expired at %s and is renewed when "
                              "sending."), who, until);
  return g_strdup_printf (_("Signed in as %s, but the token expired at %s: sign in again."),
                          who, until);
}

static void
sd_settings_form_load_token_thread (GTask        *task,
                                    gpointer      source,
                                    gpointer      task_data,
                                    GCancellable *cancellable)
{
  GError *error = NULL;
  SdOAuthToken *token = sd_oauth_store_load (sd_secret_store_get_default (), task_data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) sd_oauth_token_free);
}

static void
sd_settings_form_on_token_loaded (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  SdSettingsForm *self = SD_SETTINGS_FORM (source);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthToken) token = g_task_propagate_pointer (task, &error);
  g_autofree char *text = NULL;

  /* A newer lookup started meanwhile, or the window is going. */
  if (g_task_get_cancellable (task) != self->oauth_status_cancellable ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return;
  g_clear_object (&self->oauth_status_cancellable);
  if (error != NULL)
    text = g_strdup_printf (_("The sign-in could not be read: %s"), error->message);
  else if (token == NULL)
    text = g_strdup (_("Not signed in."));
  else
    text = sd_describe_token (g_task_get_task_data (task), token);
  gtk_label_set_text (self->oauth_status, text);
}

/* The secret store may block: it is read in a worker, the newest lookup wins. */
void
sd_settings_form_update_oauth_status (SdSettingsForm *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthAccount) account = NULL;
  g_autoptr(GTask) task = NULL;

  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  g_cancellable_cancel (self->oauth_status_cancellable);
  g_clear_object (&self->oauth_status_cancellable);
  account = sd_settings_form_dup_oauth_account (self, &error);
  if (account == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not signed in. %s"), error->message);
      gtk_label_set_text (self->oauth_status, text);
      return;
    }
  self->oauth_status_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->oauth_status_cancellable, sd_settings_form_on_token_loaded, NULL);
  g_task_set_task_data (task, g_steal_pointer (&account), (GDestroyNotify) sd_oauth_account_free);
  g_task_run_in_thread (task, sd_settings_form_load_token_thread);
}

static gboolean
sd_settings_form_on_oauth_status_due (gpointer user_data)
{
  SdSettingsForm *self = user_data;

  self->oauth_status_id = 0;
  sd_settings_form_update_oauth_status (self);
  return G_SOURCE_REMOVE;
}

void
sd_settings_form_schedule_oauth_status (SdSettingsForm *self)
{
  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  self->oauth_status_id = g_timeout_add (250, sd_settings_form_on_oauth_status_due, self);
}

static void
sd_settings_form_on_oauth_dialog_response (GtkDialog      *dialog,
                                           int             response,
                                           SdSettingsForm *self)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  sd_settings_form_update_oauth_status (self);
}

void
sd_settings_form_on_sign_in_clicked (SdSettingsForm *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthAccount) account = sd_settings_form_dup_oauth_account (self, &error);
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (account == NULL)
    {
      gtk_label_set_text (self->oauth_status, error->message);
      return;
    }
  sd_dialog_track (sd_oauth_dialog_new (GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL, account),
                   &self->oauth_dialog);
  g_signal_connect (self->oauth_dialog, "response",
                    G_CALLBACK (sd_settings_form_on_oauth_dialog_response), self);
  gtk_widget_show (self->oauth_dialog);
}

void
sd_settings_form_clear_oauth (SdSettingsForm *self)
{
  g_clear_handle_id (&self->oauth_status_id, g_source_remove);
  g_cancellable_cancel (self->oauth_status_cancellable);
  g_clear_object (&self->oauth_status_cancellable);
  sd_dialog_close (&self->oauth_dialog, self);
}

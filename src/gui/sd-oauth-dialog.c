/* sd-oauth-dialog.c: signing in to Microsoft 365 or Google with a device code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-jwt.h"
#include "sd-oauth-dialog.h"
#include "sd-oauth-store.h"

struct _SdOAuthDialog
{
  GtkDialog       parent_instance;

  /* Template children */
  GtkLabel       *intro_label;
  GtkLabel       *uri_label;
  GtkLabel       *code_label;
  GtkButton      *copy_button;
  GtkButton      *open_button;
  GtkWidget      *wait_box;
  GtkSpinner     *spinner;
  GtkLabel       *wait_label;
  GtkLabel       *error_label;
  GtkLabel       *warnings_label;
  GtkButton      *cancel_button;
  GtkButton      *close_button;

  SdOAuthAccount *account;
  GCancellable   *cancellable;
  char           *user_code;
  char           *open_uri;     /* what "Open browser" shows: https only */
  gboolean        signed_in;
  gboolean        over;         /* answered or closed: callbacks must leave the widgets be */
};

G_DEFINE_FINAL_TYPE (SdOAuthDialog, sd_oauth_dialog, GTK_TYPE_DIALOG)

static const char *
sd_provider_name (SdOAuthProvider provider)
{
  return provider == SD_OAUTH_PROVIDER_GOOGLE ? _("Google") : _("Microsoft");
}

/* Only a web page goes to the browser, whatever the provider's answer says. */
static gboolean
sd_is_web_uri (const char *uri)
{
  const char *scheme = uri != NULL ? g_uri_peek_scheme (uri) : NULL;

  return g_strcmp0 (scheme, "https") == 0;
}

static void
sd_oauth_dialog_stop_waiting (SdOAuthDialog *self)
{
  gtk_spinner_stop (self->spinner);
  gtk_widget_hide (self->wait_box);
  /* The code is spent either way. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), FALSE);
  gtk_widget_hide (GTK_WIDGET (self->cancel_button));
  gtk_widget_show (GTK_WIDGET (self->close_button));
  gtk_widget_grab_default (GTK_WIDGET (self->close_button));
}

static void
sd_oauth_dialog_show_error (SdOAuthDialog *self,
                            const char    *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_show (GTK_WIDGET (self->error_label));
}

static void
sd_oauth_dialog_on_code (const SdOAuthDeviceCode *code,
                         gpointer                 user_data)
{
  SdOAuthDialog *self = user_data;
  const char *open = code->verification_uri_complete != NULL ? code->verification_uri_complete
                                                             : code->verification_uri;

  if (self->over)
    return;
  g_free (self->user_code);
  self->user_code = g_strdup (code->user_code);
  g_free (self->open_uri);
  self->open_uri = sd_is_web_uri (open) ? g_strdup (open)
                   : sd_is_web_uri (code->verification_uri) ? g_strdup (code->verification_uri)
                   : NULL;
  gtk_label_set_text (self->code_label, code->user_code);
  gtk_label_set_text (self->uri_label, code->verification_uri);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), self->open_uri != NULL);
  gtk_label_set_text (self->wait_label, _("Waiting for you to sign in…"));
}

/* What the token says about itself, when it says something is wrong; NULL otherwise. */
static char *
sd_oauth_dialog_dup_warnings (SdOAuthDialog      *self,
                              const SdOAuthToken *token)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SdJwtFor purpose = self->account->provider == SD_OAUTH_PROVIDER_MICROSOFT ? SD_JWT_FOR_EXCHANGE
                                                                           : SD_JWT_FOR_ANY;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token->access_token, purpose,
                                              self->account->tenant, now);
  GString *text;

  if (info->warnings->len == 0)
    return NULL;
  text = g_string_new (_("Signed in, but the token may not work for SMTP:"));
  for (guint i = 0; i < info->warnings->len; i++)
    {
      const SdJwtWarning *warning = info->warnings->pdata[i];
      g_string_append_printf (text, "\n• %s", warning->message);
    }
  return g_string_free (text, FALSE);
}

static void
sd_oauth_dialog_on_signed_in (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(SdOAuthDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdOAuthToken) token = sd_oauth_sign_in_finish (result, &error);
  g_autofree char *warnings = NULL;

  if (self->over)
    return;   /* cancelled or closed: nothing is stored */
  if (token == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Signing in failed: %s"), error->message);
      sd_oauth_dialog_stop_waiting (self);
      sd_oauth_dialog_show_error (self, message);
      return;
    }
  /* A short call; the token must be stored before the dialog says it is done. */
  if (!sd_oauth_store_save (sd_secret_store_get_default (), self->account, token, &error))
    {
      g_autofree char *message = g_strdup_printf (_("You signed in, but the token could not be "
                                                    "kept in the system's secret store: %s"),
                                                  error->message);
      sd_oauth_dialog_stop_waiting (self);
      sd_oauth_dialog_show_error (self, message);
      return;
    }
  self->signed_in = TRUE;
  warnings = sd_oauth_dialog_dup_warnings (self, token);
  if (warnings == NULL)
    {
      gtk_dialog_response (GTK_DIALOG (self), GTK_RESPONSE_OK);
      return;
    }
  sd_oauth_dialog_stop_waiting (self);
  gtk_label_set_text (self->warnings_label, warnings);
  gtk_widget_show (GTK_WIDGET (self->warnings_label));
}

static void
sd_oauth_dialog_on_copy_clicked (SdOAuthDialog *self)
{
  GtkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self), GDK_SELECTION_CLIPBOARD);

  if (self->user_code == NULL)
    return;
  gtk_clipboard_set_text (clipboard, self->user_code, -1);
  gtk_button_set_label (self->copy_button, _("Copied"));
}

static void
sd_oauth_dialog_on_open_clicked (SdOAuthDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (self->open_uri == NULL)
    return;
  if (!gtk_show_uri_on_window (GTK_WINDOW (self), self->open_uri, gtk_get_current_event_time (),
                               &error))
    {
      g_autofree char *message = g_strdup_printf (_("No browser could be opened (%s): open the "
                                                    "page yourself."), error->message);
      sd_oauth_dialog_show_error (self, message);
    }
}

static void
sd_oauth_dialog_response (GtkDialog *dialog,
                          int        response)
{
  SdOAuthDialog *self = SD_OAUTH_DIALOG (dialog);

  self->over = TRUE;
  if (!self->signed_in)
    g_cancellable_cancel (self->cancellable);
}

static void
sd_oauth_dialog_dispose (GObject *object)
{
  SdOAuthDialog *self = SD_OAUTH_DIALOG (object);

  self->over = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sd_oauth_dialog_parent_class)->dispose (object);
}

static void
sd_oauth_dialog_finalize (GObject *object)
{
  SdOAuthDialog *self = SD_OAUTH_DIALOG (object);

  g_clear_pointer (&self->account, sd_oauth_account_free);
  g_free (self->user_code);
  g_free (self->open_uri);
  G_OBJECT_CLASS (sd_oauth_dialog_parent_class)->finalize (object);
}

static void
sd_oauth_dialog_class_init (SdOAuthDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);

  object_class->dispose = sd_oauth_dialog_dispose;
  object_class->finalize = sd_oauth_dialog_finalize;
  dialog_class->response = sd_oauth_dialog_response;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-oauth-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, uri_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, code_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, open_button);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, wait_box);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, wait_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SdOAuthDialog, close_button);
  gtk_widget_class_bind_template_callback (widget_class, sd_oauth_dialog_on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, sd_oauth_dialog_on_open_clicked);
}

static void
sd_oauth_dialog_init (SdOAuthDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static void
sd_oauth_dialog_start (SdOAuthDialog *self)
{
  g_autofree char *intro = NULL;
  g_autofree char *asking = NULL;

  /* Translators: %s is Microsoft or Google. */
  intro = g_strdup_printf (_("Open the page below in any browser, enter the code and sign in "
                             "to %s with the account that sends the mail."),
                           sd_provider_name (self->account->provider));
  gtk_label_set_text (self->intro_label, intro);
  gtk_window_set_title (GTK_WINDOW (self),
                        self->account->provider == SD_OAUTH_PROVIDER_GOOGLE
                        ? _("Sign In to Google") : _("Sign In to Microsoft 365"));
  /* Translators: %s is Microsoft or Google. */
  asking = g_strdup_printf (_("Asking %s for a code…"), sd_provider_name (self->account->provider));
  gtk_label_set_text (self->wait_label, asking);
  gtk_spinner_start (self->spinner);
  /* Each callback holds the dialog, so a late answer finds it even after Cancel. */
  sd_oauth_sign_in_async (self->account, sd_oauth_dialog_on_code, g_object_ref (self),
                          g_object_unref, self->cancellable, sd_oauth_dialog_on_signed_in,
                          g_object_ref (self));
}

GtkWidget *
sd_oauth_dialog_new (GtkWindow            *parent,
                     const SdOAuthAccount *account)
{
  SdOAuthDialog *self = g_object_new (SD_TYPE_OAUTH_DIALOG, "transient-for", parent,
                                      "use-header-bar", FALSE, NULL);

  self->account = sd_oauth_account_copy (account);
  sd_oauth_dialog_start (self);
  return GTK_WIDGET (self);
}

gboolean
sd_oauth_dialog_get_signed_in (SdOAuthDialog *self)
{
  g_return_val_if_fail (SD_IS_OAUTH_DIALOG (self), FALSE);
  return self->signed_in;
}

const char *
sd_oauth_dialog_get_user_code (SdOAuthDialog *self)
{
  g_return_val_if_fail (SD_IS_OAUTH_DIALOG (self), NULL);
  return self->user_code;
}

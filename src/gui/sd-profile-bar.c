/* sd-profile-bar.c: the profile picker, its "modified" mark and what to do with profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-presets.h"
#include "sd-profile-bar-private.h"
#include "sd-secret.h"
#include "sd-secret-store.h"

G_DEFINE_FINAL_TYPE (SdProfileBar, sd_profile_bar, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

enum {
  MESSAGE,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
sd_profile_bar_say (SdProfileBar *self,
                    const char   *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

GtkWindow *
sd_profile_bar_get_window (SdProfileBar *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  return GTK_IS_WINDOW (toplevel) ? GTK_WINDOW (toplevel) : NULL;
}

/* ---- the "modified" mark --------------------------------------------------------- */

static gboolean
sd_str_same (const char *a,
             const char *b)
{
  /* An empty field and an unset one look the same in the form. */
  return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

static gboolean
sd_settings_same (const SdSettings *a,
                  const SdSettings *b,
                  gboolean          with_password)
{
  const char * const empty[] = { NULL };

  return sd_str_same (a->host, b->host)
         && a->port == b->port
         && a->security == b->security
         && a->tls_verify == b->tls_verify
         && sd_str_same (a->tls_pin, b->tls_pin)
         && sd_str_same (a->tls_ca_file, b->tls_ca_file)
         && sd_str_same (a->auth, b->auth)
         && sd_str_same (a->user, b->user)
         && (!with_password || sd_str_same (a->password, b->password))
         && sd_str_same (a->oauth_provider, b->oauth_provider)
         && sd_str_same (a->oauth_tenant, b->oauth_tenant)
         && sd_str_same (a->oauth_client_id, b->oauth_client_id)
         && a->allow_plaintext_auth == b->allow_plaintext_auth
         && sd_str_same (a->ehlo_name, b->ehlo_name)
         && sd_str_same (a->from, b->from)
         && g_strv_equal (a->to ? (const char * const *) a->to : empty,
                          b->to ? (const char * const *) b->to : empty)
         && sd_str_same (a->subject, b->subject)
         && sd_str_same (a->body, b->body)
         && a->has_quit_after == b->has_quit_after
         && (!a->has_quit_after || a->quit_after == b->quit_after)
         && a->timeout_s == b->timeout_s
         && a->pipelining == b->pipelining;
}

static void
sd_profile_bar_update_title (SdProfileBar *self)
{
  g_autofree char *entry = gtk_combo_box_text_get_active_text (self->profile_combo);

  g_free (self->title);
  if (self->modified)
    /* Translators: the window title while a saved profile has unsaved changes */
    self->title = g_strdup_printf (_("• %s (modified) — SMTP Doctor"),
                                   self->current_profile ? self->current_profile : entry);
  else if (self->current_profile == NULL)
    self->title = g_strdup (_("SMTP Doctor"));
  else
    self->title = g_strdup_printf (_("%s — SMTP Doctor"), self->current_profile);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/* The form differs from what the picker's entry filled in: the saved profile it was
 * loaded from (or last saved as), the built-in server, a preset. */
void
sd_profile_bar_update_modified (SdProfileBar *self)
{
  gboolean remember = sd_settings_form_get_remember (self->form);
  gboolean modified = FALSE;

  if (self->clean != NULL && sd_profile_bar_get_active_id (self) != NULL)
    {
      g_autoptr(SdSettings) now = sd_settings_form_read (self->form, TRUE);
      /* A profile's password counts when the profile keeps it; the built-in server's
       * and a preset's always do. */
      gboolean with_password = remember || self->current_profile == NULL;

      modified = remember != self->clean_remember || !sd_settings_same (now, self->clean, with_password);
    }
  if (modified == self->modified && self->title_set)
    return;
  self->modified = modified;
  self->title_set = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->modified_label), modified);
  atk_object_set_description (gtk_widget_get_accessible (GTK_WIDGET (self->profile_combo)),
                              modified ? _("Modified: the form has unsaved changes") : "");
  sd_profile_bar_update_title (self);
}

void
sd_profile_bar_mark_clean (SdProfileBar *self)
{
  g_clear_pointer (&self->clean, sd_settings_free);
  self->clean = sd_settings_form_read (self->form, TRUE);
  self->clean_remember = sd_settings_form_get_remember (self->form);
  self->title_set = FALSE;
  sd_profile_bar_update_modified (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* ---- the picker ------------------------------------------------------------------ */

/* Remembers the last used profile in the file, quietly: a read-only file just forgets. */
static void
sd_profile_bar_set_last_used (SdProfileBar *self,
                              const char   *name)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (sd_profile_store_get_last_used (self->profiles), name) == 0)
    return;
  sd_profile_store_set_last_used (self->profiles, name);
  if (!sd_profile_store_is_read_only (self->profiles) && !sd_profile_store_save (self->profiles, &error))
    g_debug ("profiles: %s", error->message);
}

/* Sets the picker from code, without loading what it selects. */
static void
sd_profile_bar_set_picker (SdProfileBar *self,
                           const char   *id)
{
  g_autofree char *copy = g_strdup (id);   /* @id may be self->previous_id itself */

  self->switching = TRUE;
  if (copy == NULL || !gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->profile_combo), copy))
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->profile_combo), -1);
  self->switching = FALSE;
  g_free (self->previous_id);
  self->previous_id = g_steal_pointer (&copy);
}

static void
sd_profile_bar_select_profile (SdProfileBar *self,
                               const char   *name)
{
  SdProfile *profile = sd_profile_store_lookup (self->profiles, name);
  g_autoptr(GError) error = NULL;
  char *password = NULL;

  if (profile == NULL)
    return;
  /* A short blocking call: the store answers from memory or a local service. */
  if (profile->remember_password)
    password = sd_secret_store_lookup (sd_secret_store_get_default (), profile->name, &error);
  sd_settings_form_apply_profile (self->form, profile->settings, password);
  sd_secret_free (password);
  sd_settings_form_set_remember (self->form, profile->remember_password);
  self->current_profile = g_strdup (profile->name);
  sd_profile_bar_set_last_used (self, profile->name);
  if (error != NULL)
    sd_profile_bar_say (self, error->message);
  else if (profile->note != NULL)
    sd_profile_bar_say (self, profile->note);
}

/* Loads what the picker's @id names into the form. */
static void
sd_profile_bar_select (SdProfileBar *self,
                       const char   *id)
{
  g_clear_pointer (&self->current_profile, g_free);
  g_free (self->previous_id);
  self->previous_id = g_strdup (id);

  if (g_str_equal (id, "builtin"))
    {
      if (self->builtin != NULL)
        sd_settings_form_fill (self->form, self->builtin);
      sd_settings_form_set_remember (self->form, FALSE);
      sd_profile_bar_set_last_used (self, NULL);
    }
  else if (g_str_has_prefix (id, "profile:"))
    {
      if (sd_profile_store_lookup (self->profiles, id + strlen ("profile:")) == NULL)
        return;
      sd_profile_bar_select_profile (self, id + strlen ("profile:"));
    }
  else if (g_str_has_prefix (id, "preset:"))
    {
      const SdPreset *preset = sd_presets_lookup (id + strlen ("preset:"));
      g_autoptr(SdProfile) profile = preset ? sd_preset_to_profile (preset) : NULL;

      if (profile == NULL)
        return;
      sd_settings_form_apply_profile (self->form, profile->settings, NULL);
      sd_settings_form_set_remember (self->form, FALSE);
      if (profile->note != NULL)
        sd_profile_bar_say (self, profile->note);
    }
  sd_profile_bar_mark_clean (self);
}

static void
sd_profile_bar_on_discard_response (GtkDialog    *dialog,
                                    int           response,
                                    SdProfileBar *self)
{
  g_autofree char *id = g_steal_pointer (&self->pending_id);

  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response == GTK_RESPONSE_ACCEPT && id != NULL)
    {
      sd_profile_bar_set_picker (self, id);
      sd_profile_bar_select (self, id);
    }
  else
    sd_profile_bar_set_picker (self, self->previous_id);
}

void
sd_profile_bar_confirm (SdProfileBar *self,
                        const char   *primary,
                        const char   *secondary,
                        const char   *accept_label,
                        GCallback     on_response)
{
  GtkWidget *dialog = gtk_message_dialog_new (sd_profile_bar_get_window (self),
                                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                              GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s", primary);
  GtkWidget *accept;

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  accept = gtk_dialog_add_button (GTK_DIALOG (dialog), accept_label, GTK_RESPONSE_ACCEPT);
  gtk_style_context_add_class (gtk_widget_get_style_context (accept), "destructive-action");
  /* A stray Enter must not destroy anything. */
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect (dialog, "response", on_response, self);
  sd_dialog_track (dialog, &self->confirm_dialog);
  gtk_widget_show (dialog);
}

static void
sd_profile_bar_on_changed (SdProfileBar *self)
{
  const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
  g_autofree char *primary = NULL;

  if (id == NULL || self->switching || self->profiles == NULL)
    return;
  /* Only a saved profile's edits can be saved back: the built-in server and the
   * presets switch without asking, as they always did. */
  if (!self->modified || self->current_profile == NULL || self->confirm_dialog != NULL)
    {
      sd_profile_bar_select (self, id);
      return;
    }
  /* Switching would silently throw the edits away: ask first. */
  g_free (self->pending_id);
  self->pending_id = g_strdup (id);
  primary = g_strdup_printf (_("Discard the changes to “%s”?"), self->current_profile);
  sd_profile_bar_confirm (self, primary,
                          _("The form has changes that are not saved in the profile. "
                            "Cancel and use Save (Ctrl+Shift+S) to keep them."),
                          _("_Discard Changes"), G_CALLBACK (sd_profile_bar_on_discard_response));
}

void
sd_profile_bar_rebuild_picker (SdProfileBar *self,
                               const char   *active_id)
{
  GPtrArray *list = sd_profile_store_list (self->profiles);
  const SdPreset *presets;
  guint n_presets = 0;

  self->switching = TRUE;
  gtk_combo_box_text_remove_all (self->profile_combo);
  gtk_combo_box_text_append (self->profile_combo, "builtin", _("Built-in test server"));
  for (guint i = 0; i < list->len; i++)
    {
      const SdProfile *profile = list->pdata[i];
      g_autofree char *id = g_strconcat ("profile:", profile->name, NULL);
      gtk_combo_box_text_append (self->profile_combo, id, profile->name);
    }
  presets = sd_presets_get (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    {
      g_autofree char *id = NULL;

      /* The built-in server is the first entry already, with its real port. */
      if (g_str_equal (presets[i].id, "builtin"))
        continue;
      id = g_strconcat ("preset:", presets[i].id, NULL);
      /* Translators: a preset for a mail service in the profile picker */
      g_autofree char *label = g_strdup_printf (_("Preset: %s"), _(presets[i].name));

      gtk_combo_box_text_append (self->profile_combo, id, label);
    }
  self->switching = FALSE;
  sd_profile_bar_set_picker (self, active_id);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
sd_profile_bar_fill_profiles (SdProfileBar *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GList) cells = NULL;

  self->profiles = sd_profile_store_new (NULL);
  /* A corrupt file was renamed aside: say so once, where it went. */
  if (!sd_profile_store_load (self->profiles, &error))
    sd_profile_bar_say (self, error->message);
  else if (sd_profile_store_is_read_only (self->profiles))
    sd_profile_bar_say (self, _("The saved profiles come from a newer SMTP Doctor: "
                                "they can be used, but changes to them are not saved."));
  /* Long preset names must not widen the toolbar beyond need: the closed picker
   * ellipsizes what does not fit, the open list is as wide as its longest entry. */
  cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (self->profile_combo));
  if (cells != NULL)
    g_object_set (cells->data, "ellipsize", PANGO_ELLIPSIZE_END, "width-chars", 20, NULL);
  gtk_combo_box_set_popup_fixed_width (GTK_COMBO_BOX (self->profile_combo), FALSE);
  sd_profile_bar_rebuild_picker (self, NULL);
}

gboolean
sd_profile_bar_load (SdProfileBar     *self,
                     const SdSettings *builtin)
{
  const char *last;

  self->builtin = builtin;
  sd_profile_bar_fill_profiles (self);
  last = sd_profile_store_get_last_used (self->profiles);
  /* The last used profile if it is still there; otherwise the built-in server. */
  if (last != NULL && sd_profile_store_lookup (self->profiles, last) != NULL)
    {
      g_autofree char *id = g_strconcat ("profile:", last, NULL);
      sd_profile_bar_set_picker (self, id);
      sd_profile_bar_select (self, id);
      return TRUE;
    }
  sd_profile_bar_set_picker (self, "builtin");
  sd_profile_bar_select (self, "builtin");
  return FALSE;
}

void
sd_profile_bar_unselect (SdProfileBar *self)
{
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->profile_combo), -1);
  /* The form no longer comes from an entry: nothing to be modified from. */
  g_clear_pointer (&self->clean, sd_settings_free);
  sd_profile_bar_update_modified (self);
}

const char *
sd_profile_bar_get_active_id (SdProfileBar *self)
{
  return gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->profile_combo));
}

const char *
sd_profile_bar_get_current (SdProfileBar *self)
{
  return self->current_profile;
}

guint
sd_profile_bar_get_n_profiles (SdProfileBar *self)
{
  return self->profiles != NULL ? sd_profile_store_list (self->profiles)->len : 0;
}

const char *
sd_profile_bar_get_title (SdProfileBar *self)
{
  return self->title;
}

void
sd_profile_bar_set_form (SdProfileBar   *self,
                         SdSettingsForm *form)
{
  self->form = form;
}

/* ---- GObject --------------------------------------------------------------------- */

static void
sd_profile_bar_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SdProfileBar *self = SD_PROFILE_BAR (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_profile_bar_dispose (GObject *object)
{
  SdProfileBar *self = SD_PROFILE_BAR (object);

  if (self->profile_chooser != NULL)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->profile_chooser));
      g_clear_object (&self->profile_chooser);
    }
  /* Modal children: their handlers must not see a dead bar. */
  sd_dialog_close (&self->name_dialog, self);
  sd_dialog_close (&self->confirm_dialog, self);
  g_clear_pointer (&self->profiles, sd_profile_store_free);
  g_clear_pointer (&self->current_profile, g_free);
  g_clear_pointer (&self->clean, sd_settings_free);
  g_clear_pointer (&self->previous_id, g_free);
  g_clear_pointer (&self->pending_id, g_free);
  self->form = NULL;
  G_OBJECT_CLASS (sd_profile_bar_parent_class)->dispose (object);
}

static void
sd_profile_bar_finalize (GObject *object)
{
  g_free (SD_PROFILE_BAR (object)->title);
  G_OBJECT_CLASS (sd_profile_bar_parent_class)->finalize (object);
}

static void
sd_profile_bar_class_init (SdProfileBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sd_profile_bar_get_property;
  object_class->dispose = sd_profile_bar_dispose;
  object_class->finalize = sd_profile_bar_finalize;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-profile-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, SdProfileBar, profile_combo);
  gtk_widget_class_bind_template_child (widget_class, SdProfileBar, modified_label);
  gtk_widget_class_bind_template_child (widget_class, SdProfileBar, profile_menu_button);
  gtk_widget_class_bind_template_callback (widget_class, sd_profile_bar_on_changed);
}

static void
sd_profile_bar_set_names (SdProfileBar *self)
{
  const SdAccessibleName names[] = {
    { self->profile_combo, N_("Profile") },
    { self->profile_menu_button, N_("Profile menu") },
    { self->modified_label, N_("Profile modified") },
  };

  sd_set_accessible_names (names, G_N_ELEMENTS (names));
}

static void
sd_profile_bar_init (SdProfileBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->title = g_strdup (_("SMTP Doctor"));
  sd_profile_bar_set_names (self);
}

GtkWidget *
sd_profile_bar_new (void)
{
  return g_object_new (SD_TYPE_PROFILE_BAR, NULL);
}

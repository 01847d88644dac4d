/* sd-listen-view.c: the Listen page
 *
 * The server runs on its own threads (SdServer); SdListenController hands each
 * session's events here on the main context, and this file only lays them out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-gui-private.h"
#include "sd-hints-panel.h"
#include "sd-listen-view.h"
#include "sd-server-connector.h"
#include "sd-server-fault.h"
#include "sd-transcript-view.h"

enum { COL_ID, COL_TIME, COL_CLIENT, COL_EHLO, COL_TLS, COL_AUTH, COL_RESULT };

struct _SdListenView
{
  GtkBox              parent_instance;

  /* Template children */
  GtkComboBoxText    *address_combo;
  GtkComboBoxText    *port_combo;
  GtkComboBoxText    *connector_combo;
  GtkButton          *start_button;
  GtkButton          *stop_button;
  GtkEntry           *faults_entry;
  GtkLabel           *connector_description;
  GtkLabel           *status_label;
  GtkTreeView        *sessions_view;
  GtkListStore       *sessions_store;
  SdTranscriptView   *transcript_view;
  SdHintsPanel       *hints_panel;

  SdListenController *controller;
  guint               shown_id;      /* the session in the transcript, 0: none */
  guint               shown_events;  /* how many of its events are there */
};

G_DEFINE_FINAL_TYPE (SdListenView, sd_listen_view, GTK_TYPE_BOX)

SdListenController *
sd_listen_view_get_controller (SdListenView *self)
{
  return self->controller;
}

static void
sd_listen_view_on_connector_changed (SdListenView *self)
{
  const SdServerConnector *connector =
    sd_server_connector_lookup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->connector_combo)));

  gtk_label_set_text (self->connector_description,
                      connector != NULL ? _(connector->description) : "");
}

static gboolean
sd_listen_view_all_interfaces (SdListenView *self)
{
  return g_strcmp0 (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->address_combo)),
                    "0.0.0.0") == 0;
}

static void
sd_listen_view_on_address_changed (SdListenView *self)
{
  if (!sd_listen_view_all_interfaces (self))
    gtk_label_set_text (self->status_label, "");
  else
    gtk_label_set_text (self->status_label,
#ifdef G_OS_WIN32
                        _("Anyone who can reach this computer can connect to this test server "
                          "and log in with any password. Windows Firewall asks whether to "
                          "allow it; allow private networks only.")
#else
                        _("Anyone who can reach this computer can connect to this test server "
                          "and log in with any password.")
#endif
                        );
}

/* The form as a server config; NULL with the reason in @error. */
static SdServerConfig *
sd_listen_view_build_config (SdListenView  *self,
                             GError       **error)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autofree char *port_text = gtk_combo_box_text_get_active_text (self->port_combo);
  g_auto(GStrv) faults = g_strsplit (gtk_entry_get_text (self->faults_entry), "|", -1);
  guint64 port = 0;

  if (port_text == NULL ||
      !g_ascii_string_to_unsigned (g_strstrip (port_text), 10, 0, 65535, &port, NULL))
    {
      g_set_error_literal (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                           _("The port is a number from 0 (any free port) to 65535"));
      return NULL;
    }
  if (!sd_server_config_apply_connector (config,
                                         gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->connector_combo)),
                                         error))
    return NULL;
  for (guint i = 0; faults[i] != NULL; i++)
    {
      g_autoptr(SdServerFault) fault = NULL;
      if (*g_strstrip (faults[i]) == '\0')
        continue;
      if ((fault = sd_server_fault_parse (faults[i], error)) == NULL)
        return NULL;
      sd_server_config_add_fault (config, fault);
    }
  config->listen_address = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->address_combo)));
  config->port = port;
  config->implicit_tls = port == 465;
  /* Port 465 is implicit TLS only; its STARTTLS twin goes to any free port. */
  if (config->implicit_tls)
    {
      config->tls_port = 465;
      config->port = 0;
    }
  /* What the application tries matters here, not a password check: the user name is
   * recorded, the password never. */
  config->accept_any_auth = TRUE;
  return g_steal_pointer (&config);
}

static void
sd_listen_view_update_buttons (SdListenView *self)
{
  gboolean running = sd_listen_controller_is_running (self->controller);

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_combo), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_combo), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connector_combo), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->faults_entry), !running);
}

static void
sd_listen_view_on_start (SdListenView *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdServerConfig) config = sd_listen_view_build_config (self, &error);
  g_autofree char *text = NULL;

  if (config == NULL || !sd_listen_controller_start (self->controller, config, &error))
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }
  /* Translators: an IP address and a port number. */
  text = g_strdup_printf (_("Listening on %s port %u"), config->listen_address,
                          config->implicit_tls ? 465 : sd_listen_controller_get_port (self->controller));
  gtk_label_set_text (self->status_label, text);
}

static void
sd_listen_view_on_stop (SdListenView *self)
{
  sd_listen_controller_stop (self->controller);
  gtk_label_set_text (self->status_label, _("Stopped"));
}

static gboolean
sd_listen_view_find_row (SdListenView *self,
                         guint         id,
                         GtkTreeIter  *iter)
{
  GtkTreeModel *model = GTK_TREE_MODEL (self->sessions_store);

  for (gboolean ok = gtk_tree_model_get_iter_first (model, iter); ok;
       ok = gtk_tree_model_iter_next (model, iter))
    {
      guint row_id = 0;
      gtk_tree_model_get (model, iter, COL_ID, &row_id, -1);
      if (row_id == id)
        return TRUE;
    }
  return FALSE;
}

/* TLS as the list shows it: what was negotiated, or what was offered when it failed. */
static char *
sd_listen_session_tls (const SdServerSession *record)
{
  if (record->tls_version != NULL)
    return g_strdup (record->tls_version);
  if (record->client_hello != NULL && record->client_hello->versions->len > 0)
    /* Translators: a TLS version the client offered, when the handshake failed. */
    return g_strdup_printf (_("%s offered, failed"),
                            (char *) record->client_hello->versions->pdata[0]);
  return g_strdup (record->starttls_offered ? _("not used") : "");
}

static void
sd_listen_view_update_row (SdListenView          *self,
                           const SdListenSession *session,
                           GtkTreeIter           *iter)
{
  const SdServerSession *record = session->session;
  g_autofree char *time = g_date_time_format (session->started, "%H:%M:%S");
  g_autofree char *result = sd_listen_session_describe_result (session);
  g_autofree char *tls = record != NULL ? sd_listen_session_tls (record) : NULL;
  g_autofree char *auth = NULL;

  if (record != NULL && record->auth_mechanism != NULL)
    auth = g_strdup_printf ("%s %s%s", record->auth_mechanism,
                            record->auth_user ? record->auth_user : "",
                            record->authenticated ? "" : " ✗");
  gtk_list_store_set (self->sessions_store, iter,
                      COL_ID, session->id, COL_TIME, time, COL_CLIENT, session->peer,
                      COL_EHLO, record ? record->ehlo_name : NULL, COL_TLS, tls,
                      COL_AUTH, auth, COL_RESULT, result, -1);
}

/* Brings the transcript and hints of the shown session up to date. */
static void
sd_listen_view_refresh_shown (SdListenView *self)
{
  const SdListenSession *session = sd_listen_controller_get_session (self->controller,
                                                                     self->shown_id);
  g_autoptr(GPtrArray) fresh = g_ptr_array_new ();

  if (session == NULL)
    return;
  for (guint i = self->shown_events; i < session->events->len; i++)
    g_ptr_array_add (fresh, session->events->pdata[i]);
  self->shown_events = session->events->len;
  if (fresh->len > 0)
    sd_transcript_view_append (self->transcript_view, fresh);
  if (session->session != NULL)
    sd_hints_panel_set_hints (self->hints_panel, session->session->hints);
}

static void
sd_listen_view_on_selection_changed (SdListenView *self)
{
  GtkTreeSelection *selection = gtk_tree_view_get_selection (self->sessions_view);
  GtkTreeIter iter;
  guint id = 0;

  if (gtk_tree_selection_get_selected (selection, NULL, &iter))
    gtk_tree_model_get (GTK_TREE_MODEL (self->sessions_store), &iter, COL_ID, &id, -1);
  if (id == self->shown_id)
    return;
  self->shown_id = id;
  self->shown_events = 0;
  sd_transcript_view_clear (self->transcript_view);
  sd_hints_panel_clear (self->hints_panel);
  sd_listen_view_refresh_shown (self);
}

static void
sd_listen_view_on_session_added (SdListenView *self,
                                 guint         id)
{
  const SdListenSession *session = sd_listen_controller_get_session (self->controller, id);
  GtkTreeIter iter;

  gtk_list_store_append (self->sessions_store, &iter);
  sd_listen_view_update_row (self, session, &iter);
  /* The first one is shown at once: usually the one the admin is waiting for. */
  if (self->shown_id == 0)
    gtk_tree_selection_select_iter (gtk_tree_view_get_selection (self->sessions_view), &iter);
}

static void
sd_listen_view_on_session_changed (SdListenView *self,
                                   guint         id)
{
  const SdListenSession *session = sd_listen_controller_get_session (self->controller, id);
  GtkTreeIter iter;

  if (session != NULL && sd_listen_view_find_row (self, id, &iter))
    sd_listen_view_update_row (self, session, &iter);
  if (id == self->shown_id)
    sd_listen_view_refresh_shown (self);
}

static void
sd_listen_view_dispose (GObject *object)
{
  SdListenView *self = SD_LISTEN_VIEW (object);

  if (self->controller != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->controller, self);
      sd_listen_controller_stop (self->controller);
      g_clear_object (&self->controller);
    }
  G_OBJECT_CLASS (sd_listen_view_parent_class)->dispose (object);
}

static void
sd_listen_view_class_init (SdListenViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_listen_view_dispose;
  g_type_ensure (SD_TYPE_TRANSCRIPT_VIEW);
  g_type_ensure (SD_TYPE_HINTS_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-listen-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SdListenView, address_combo);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, port_combo);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, connector_combo);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, start_button);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, faults_entry);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, connector_description);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, status_label);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, sessions_view);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, sessions_store);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, SdListenView, hints_panel);
  gtk_widget_class_bind_template_callback (widget_class, sd_listen_view_on_address_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_listen_view_on_connector_changed);
  gtk_widget_class_bind_template_callback (widget_class, sd_listen_view_on_start);
  gtk_widget_class_bind_template_callback (widget_class, sd_listen_view_on_stop);
  gtk_widget_class_bind_template_callback (widget_class, sd_listen_view_on_selection_changed);
}

static void
sd_listen_view_init (SdListenView *self)
{
  const SdServerConnector * const *connectors = sd_server_connectors ();

  gtk_widget_init_template (GTK_WIDGET (self));
  {
    const SdAccessibleName names[] = {
      { self->address_combo, N_("Listen address") },
      { self->port_combo, N_("Listen port") },
      { self->connector_combo, N_("Connector") },
      { self->start_button, N_("Start listening") },
      { self->stop_button, N_("Stop listening") },
      { self->faults_entry, N_("Injected faults") },
      { self->sessions_view, N_("Incoming sessions") },
    };
    sd_set_accessible_names (names, G_N_ELEMENTS (names));
  }
  for (guint i = 0; connectors[i] != NULL; i++)
    gtk_combo_box_text_append (self->connector_combo, connectors[i]->name, _(connectors[i]->title));
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->connector_combo), "open");
  {
    /* The longest title must not set the window's smallest width. */
    g_autoptr(GList) cells = gtk_cell_layout_get_cells (GTK_CELL_LAYOUT (self->connector_combo));
    for (GList *l = cells; l != NULL; l = l->next)
      g_object_set (l->data, "ellipsize", PANGO_ELLIPSIZE_END, "width-chars", 30, NULL);
  }
  gtk_combo_box_set_active (GTK_COMBO_BOX (self->port_combo), 0);

  self->controller = sd_listen_controller_new ();
  g_signal_connect_swapped (self->controller, "session-added",
                            G_CALLBACK (sd_listen_view_on_session_added), self);
  g_signal_connect_swapped (self->controller, "session-changed",
                            G_CALLBACK (sd_listen_view_on_session_changed), self);
  g_signal_connect_swapped (self->controller, "running-changed",
                            G_CALLBACK (sd_listen_view_update_buttons), self);
}

GtkWidget *
sd_listen_view_new (void)
{
  return g_object_new (SD_TYPE_LISTEN_VIEW, NULL);
}

/* sd-window-private.h: the window's insides, shared with its actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-message-options.h"
#include "sd-profile-bar.h"
#include "sd-session-controller.h"
#include "sd-session-view.h"
#include "sd-settings-form.h"
#include "sd-window.h"

G_BEGIN_DECLS

struct _SdWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template children */
  SdProfileBar         *profile_bar;
  GtkButton            *send_button;
  GtkButton            *test_button;
  GtkButton            *stop_button;
  GtkButton            *export_button;
  GtkButton            *copy_button;
  GtkSpinner           *spinner;
  GtkMenuButton        *menu_button;
  GtkPaned             *form_paned;
  SdSettingsForm       *settings_form;
  SdMessageOptions     *message_options;
  SdSessionView        *session_view;
  GtkLabel             *status_label;

  GSettings            *settings;       /* NULL without an installed schema */
  SdSessionController  *controller;
  GtkFileChooserNative *chooser;
  GtkWidget            *burst_dialog;   /* the last burst's window, while it is open */
  gboolean              state_saved;
};

void sd_window_set_status     (SdWindow   *self,
                               const char *text);

/* sd-window-actions.c */
void sd_window_actions_init   (SdWindow   *self);
/* What can be done now: a session runs, the form is valid, a report or profile is there. */
void sd_window_actions_update (SdWindow   *self);

G_END_DECLS

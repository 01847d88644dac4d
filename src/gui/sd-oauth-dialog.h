/* sd-oauth-dialog.h: signing in to Microsoft 365 or Google with a device code
 *
 * Shows the code and the page to enter it on while the core polls the identity
 * provider; stores the token in the secret store when the user has signed in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-oauth.h"

G_BEGIN_DECLS

#define SD_TYPE_OAUTH_DIALOG (sd_oauth_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SdOAuthDialog, sd_oauth_dialog, SD, OAUTH_DIALOG, GtkDialog)

/* Starts the sign-in at once. Responds GTK_RESPONSE_OK once the token is stored; any
 * other response (Cancel, closing) stops the sign-in and stores nothing. */
GtkWidget  *sd_oauth_dialog_new           (GtkWindow            *parent,
                                           const SdOAuthAccount *account);
gboolean    sd_oauth_dialog_get_signed_in (SdOAuthDialog        *self);
/* What the dialog shows, for tests: NULL until the provider has answered. */
const char *sd_oauth_dialog_get_user_code (SdOAuthDialog        *self);

G_END_DECLS

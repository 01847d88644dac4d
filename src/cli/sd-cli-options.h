/* sd-cli-options.h: the session flags shared by `send` and `profiles save`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-settings.h"

G_BEGIN_DECLS

typedef struct {
  char     *server, *security, *tls_verify, *tls_ca, *auth, *user;
  char     *password_env, *password_file;
  char     *oauth_token_env, *oauth_token_file;
  char     *oauth_provider, *oauth_tenant, *oauth_client_id;
  gboolean  password_stdin, allow_plaintext;
  char     *ehlo, *from, *subject, *body, *body_file, *eml, *quit_after, *pipelining;
  char    **to;
  int       port;       /* -1: not given */
  int       timeout;    /* -1: not given */
} SdCliOptions;

void     sd_cli_options_init        (SdCliOptions   *options);
void     sd_cli_options_clear       (SdCliOptions   *options);
/* Adds the flags to @context's main group. */
void     sd_cli_options_add_entries (SdCliOptions   *options,
                                     GOptionContext *context);
/* Applies only the flags that were given on top of @settings, reading the password
 * from where they say. */
gboolean sd_cli_options_apply       (SdCliOptions   *options,
                                     SdSettings     *settings,
                                     GError        **error);
/* Whether a password flag was given. */
gboolean sd_cli_options_has_password (const SdCliOptions *options);

G_END_DECLS

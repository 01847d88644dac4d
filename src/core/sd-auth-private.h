/* sd-auth-private.h: the table each mechanism file fills in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-auth.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;
  gboolean    plaintext;
  GBytes   *(*initial_response) (SdAuth *auth, char **shown);
  GBytes   *(*step)             (SdAuth *auth, GBytes *challenge, char **shown, GError **error);
} SdAuthMechanism;

struct _SdAuth {
  const SdAuthMechanism *mech;
  char                  *user;
  char                  *password;
  guint                  n_steps;   /* challenges answered so far */
};

extern const SdAuthMechanism _sd_auth_plain;
extern const SdAuthMechanism _sd_auth_login;
extern const SdAuthMechanism _sd_auth_cram_md5;

G_END_DECLS

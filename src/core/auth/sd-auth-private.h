/* sd-auth-private.h: the table each mechanism file fills in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-auth.h"

G_BEGIN_DECLS

typedef struct {
  const char        *name;
  gboolean           plaintext;
  SdAuthCredential   credential;  /* what sd_auth_new()'s secret is */
  /* Optional: work before AUTH goes out (GSSAPI: credentials and a service ticket for
   * @host); FALSE stops the exchange before it starts. */
  gboolean         (*start)            (SdAuth *auth, const char *host, GError **error);
  GBytes          *(*initial_response) (SdAuth *auth, char **shown);
  GBytes          *(*step)             (SdAuth *auth, GBytes *challenge, char **shown,
                                        GError **error);
  /* Optional: what a decoded 334 challenge says, for the transcript (NULL: shown as
   * text). Binary challenges (NTLM, later GSSAPI tokens) need this. */
  char            *(*describe_challenge) (SdAuth *auth, GBytes *challenge);
} SdAuthMechanism;

struct _SdAuth {
  const SdAuthMechanism *mech;
  char                  *user;
  char                  *password;    /* or the token, after mech->credential */
  guint                  n_steps;     /* challenges answered so far */
  gboolean               ir_sent;     /* the initial response went with AUTH */
  /* Per-mechanism state (an NTLM or a GSSAPI/SSPI context). */
  gpointer               state;
  GDestroyNotify         free_state;
  GPtrArray             *notes;       /* for the transcript, until taken */
  const char            *fact;        /* a hints fact for the last failure, or NULL */
};

extern const SdAuthMechanism _sd_auth_plain;
extern const SdAuthMechanism _sd_auth_login;
extern const SdAuthMechanism _sd_auth_cram_md5;
extern const SdAuthMechanism _sd_auth_ntlm;
extern const SdAuthMechanism _sd_auth_xoauth2;
extern const SdAuthMechanism _sd_auth_oauthbearer;
extern const SdAuthMechanism _sd_auth_gssapi;  /* only with SD_HAVE_GSS (sd-gss.h) */

G_END_DECLS

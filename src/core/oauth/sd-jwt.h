/* sd-jwt.h: what an OAuth access token says about itself, and why SMTP may refuse it
 *
 * Microsoft access tokens are JWTs: the payload names the audience, scopes, tenant and
 * expiry, the usual reasons for a bare "535 5.7.3". The signature is not checked (only
 * the server can); this only reads. Google tokens are opaque.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each warning's hints fact id ("oauth-token-expired", …). */
typedef struct {
  const char *fact;
  char       *message;
} SdJwtWarning;

typedef struct {
  gboolean   is_jwt;
  char      *audience;     /* "aud" (the first when a list), NULL if absent */
  char      *scopes;       /* "scp" */
  char      *roles;        /* "roles", space-separated (app-only tokens) */
  char      *tenant;       /* "tid" */
  char      *user;         /* "upn", "preferred_username", "unique_name" or "email" */
  char      *app;          /* "app_displayname" or "appid"/"azp" */
  char      *issuer;       /* "iss" */
  gint64     expires_at;   /* "exp"; 0 if absent */
  GPtrArray *warnings;     /* (element-type SdJwtWarning) */
} SdJwtInfo;

/* Which checks apply beyond the expiry. */
typedef enum {
  SD_JWT_FOR_ANY,        /* an unknown provider: expiry only */
  SD_JWT_FOR_EXCHANGE,   /* Exchange Online: audience, scope, tenant too */
  SD_JWT_FOR_ISSUER,     /* Exchange Online checks when Microsoft issued it */
} SdJwtFor;

/* Reads @token and checks it for SMTP use; @tenant, when a directory ID, must be the
 * token's; @now in Unix seconds. (transfer full) */
SdJwtInfo *sd_jwt_inspect        (const char      *token,
                                  SdJwtFor         purpose,
                                  const char      *tenant,
                                  gint64           now);
void       sd_jwt_info_free      (SdJwtInfo       *info);
/* Lines for people: what the token says, then each warning with "Warning: ". */
char      *sd_jwt_info_to_text   (const SdJwtInfo *info,
                                  gint64           now);
/* The warnings' fact ids, NULL-terminated. (transfer full) */
char     **sd_jwt_info_dup_facts (const SdJwtInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdJwtInfo, sd_jwt_info_free)

G_END_DECLS

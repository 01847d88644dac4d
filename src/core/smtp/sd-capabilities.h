/* sd-capabilities.h: the EHLO keywords a server offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-reply.h"

G_BEGIN_DECLS

typedef struct {
  char      *domain;        /* the server's name from the first EHLO line */
  GPtrArray *keywords;      /* (element-type utf8) every extension line as offered,
                             * e.g. "SIZE 10240000", "AUTH PLAIN LOGIN" */
  GPtrArray *auth;          /* (element-type utf8) AUTH mechanisms, upper case, no
                             * duplicates; union of "AUTH x y" and "AUTH=x y" lines */
  guint64    size;          /* SIZE value; 0 when absent or given without a number */
  gboolean   has_size;
  gboolean   starttls;
  gboolean   pipelining;
  gboolean   chunking;
  gboolean   eightbitmime;
  gboolean   smtputf8;
  gboolean   dsn;
  gboolean   enhancedstatuscodes;
} SdCapabilities;

/* From a 250 reply to EHLO. A reply to HELO (one line) gives empty capabilities. */
SdCapabilities *sd_capabilities_new_from_reply (const SdReply        *ehlo_reply);
SdCapabilities *sd_capabilities_copy           (const SdCapabilities *caps);
void            sd_capabilities_free           (SdCapabilities       *caps);
/* Case-insensitive. */
gboolean        sd_capabilities_has_auth       (const SdCapabilities *caps,
                                                const char           *mechanism);
/* "PLAIN LOGIN" or "" (transfer full). */
char           *sd_capabilities_dup_auth_string (const SdCapabilities *caps);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCapabilities, sd_capabilities_free)

G_END_DECLS

/* sd-oauth-private.h: the HTTP side of the OAuth grants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <jansson.h>

#include "sd-oauth.h"

G_BEGIN_DECLS

/* POSTs the form @fields (name, value, name, value, …, NULL) to @url and returns the
 * JSON object answered, whatever the HTTP status (*status gets it): OAuth errors come
 * as 4xx with a JSON body. Only https, or http too when @allow_http (the loopback test
 * endpoint). Each request is limited in time and stops when @cancellable fires. */
json_t *_sd_oauth_http_post  (const char          *url,
                              const char * const  *fields,
                              gboolean             allow_http,
                              GCancellable        *cancellable,
                              long                *status,
                              GError             **error);
/* Wipes the token strings in an answer, then drops it. NULL is fine. */
void    _sd_oauth_json_free  (json_t              *answer);

G_END_DECLS

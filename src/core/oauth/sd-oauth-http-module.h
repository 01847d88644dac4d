/* sd-oauth-http-module.h: what the core asks of the HTTP module (sd-oauth-curl)
 *
 * The module holds libcurl and nothing of the core: the core encodes the form, parses
 * the answer and words the errors; the module only moves bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

G_BEGIN_DECLS

#define SD_OAUTH_HTTP_MODULE  "sd-oauth-curl"
#define SD_OAUTH_HTTP_SYMBOL  "sd_oauth_http_module_get"
/* Raise it when the table or a signature changes. */
#define SD_OAUTH_HTTP_ABI     1
#define SD_OAUTH_HTTP_MESSAGE_SIZE 256

typedef enum {
  SD_OAUTH_HTTP_DONE,        /* an answer came, whatever its status */
  SD_OAUTH_HTTP_CANCELLED,
  SD_OAUTH_HTTP_TOO_LONG,    /* more than @max_answer bytes */
  SD_OAUTH_HTTP_FAILED,      /* no answer: @message says why */
} SdOAuthHttpOutcome;

typedef struct {
  guint abi;                 /* SD_OAUTH_HTTP_ABI */
  /* The library's global set-up (main thread, before any worker runs a request). */
  void               (*init) (void);
  /* POSTs @form (already application/x-www-form-urlencoded) to @url, https only unless
   * @allow_http; the body goes into @body (at most @max_answer bytes), the status into
   * *status, and on FAILED a NUL-terminated reason into @message
   * (SD_OAUTH_HTTP_MESSAGE_SIZE bytes). Limited in time, stops when @cancellable fires. */
  SdOAuthHttpOutcome (*post) (const char   *url,
                              const char   *form,
                              gboolean      allow_http,
                              const char   *user_agent,
                              GCancellable *cancellable,
                              gsize         max_answer,
                              GString      *body,
                              long         *status,
                              char         *message);
} SdOAuthHttpModule;

/* The module's one export. */
G_MODULE_EXPORT const SdOAuthHttpModule *sd_oauth_http_module_get (void);

G_END_DECLS

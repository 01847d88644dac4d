/* sd-dsn.h: delivery status notification parameters (RFC 3461)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @notify: NULL, "never", or a comma list of success, failure, delay (any case);
 * @ret: NULL, "full" or "hdrs"; @envid: NULL or at most 100 printable ASCII characters.
 * Error domain SD_SESSION_ERROR, code INVALID_INPUT. */
gboolean  sd_dsn_validate     (const char  *notify,
                               const char  *ret,
                               const char  *envid,
                               GError     **error);
/* " RET=FULL ENVID=..." for MAIL FROM, "" when neither is set (transfer full). */
char     *sd_dsn_mail_params  (const char  *ret,
                               const char  *envid);
/* " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;..." for RCPT TO, "" without @notify; ORCPT
 * only for ASCII addresses (transfer full). */
char     *sd_dsn_rcpt_params  (const char  *notify,
                               const char  *address);
/* RFC 3461 4: '+', '=' and anything outside '!'..'~' as "+XX" (transfer full). */
char     *sd_dsn_xtext        (const char  *value);

G_END_DECLS

/* sd-address.h: envelope addresses with non-ASCII parts (SMTPUTF8, IDN A-labels)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The form of @address that can go into MAIL FROM or RCPT TO:
 * - ASCII: as it is;
 * - the server offers SMTPUTF8 (@smtputf8): as it is, and *@needs_smtputf8 is set;
 * - otherwise an ASCII local part with a non-ASCII domain: the domain as A-labels
 *   ("xn--…", RFC 5891), which every server takes;
 * - otherwise (a non-ASCII local part, or a domain IDNA refuses): NULL and an error
 *   (SD_SESSION_ERROR, INVALID_INPUT) that says why neither way works.
 * (transfer full) */
char *sd_address_for_wire (const char  *address,
                           gboolean     smtputf8,
                           gboolean    *needs_smtputf8,
                           GError     **error);

G_END_DECLS

/* sd-attachment.h: one file attached to the test message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char   *filename;       /* UTF-8 base name, as the recipient will see it */
  char   *content_type;   /* MIME type, e.g. "application/pdf" */
  GBytes *data;
} SdAttachment;

/* Reads @path whole (the content type is guessed from the name and the first bytes).
 * Error domain G_FILE_ERROR. (transfer full) */
SdAttachment *sd_attachment_new_from_file  (const char          *path,
                                            GError             **error);
/* @size bytes of incompressible filler (the same every time), named
 * "smtp-doctor-N-MB.bin" (or "-N-bytes"), application/octet-stream: for size limits
 * without a real file. (transfer full) */
SdAttachment *sd_attachment_new_generated  (guint64              size);
/* @data is referenced; @content_type NULL: guessed from @filename and @data. */
SdAttachment *sd_attachment_new            (const char          *filename,
                                            const char          *content_type,
                                            GBytes              *data);
SdAttachment *sd_attachment_copy           (const SdAttachment  *attachment);
void          sd_attachment_free           (SdAttachment        *attachment);
/* A MIME type for @filename (and the first bytes of @data, may be NULL), never NULL;
 * application/octet-stream when unsure (transfer full). */
char         *sd_attachment_guess_type     (const char          *filename,
                                            GBytes              *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdAttachment, sd_attachment_free)

G_END_DECLS

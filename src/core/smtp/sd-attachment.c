/* sd-attachment.c: one file attached to the test message
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "sd-attachment.h"

#define SNIFF_BYTES 4096

/* What a copier, a scanner or an ERP attaches. Windows answers from the registry, and a
 * machine without a PDF reader registered (or wine) has no MIME type for ".pdf": GLib
 * then makes one up ("application/x-ext-pdf"), which no mail program understands. */
static const struct {
  const char *extension;
  const char *mime;
} sd_common_types[] = {
  { "pdf", "application/pdf" }, { "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" },
  { "png", "image/png" }, { "gif", "image/gif" }, { "tif", "image/tiff" },
  { "tiff", "image/tiff" }, { "txt", "text/plain" }, { "csv", "text/csv" },
  { "xml", "application/xml" }, { "htm", "text/html" }, { "html", "text/html" },
  { "zip", "application/zip" }, { "eml", "message/rfc822" },
  { "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  { "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
};

static const char *
sd_common_type (const char *filename)
{
  const char *dot = strrchr (filename, '.');

  for (gsize i = 0; dot != NULL && i < G_N_ELEMENTS (sd_common_types); i++)
    if (g_ascii_strcasecmp (dot + 1, sd_common_types[i].extension) == 0)
      return sd_common_types[i].mime;
  return NULL;
}

char *
sd_attachment_guess_type (const char *filename,
                          GBytes     *data)
{
  g_autofree char *content_type = NULL;
  g_autofree char *mime = NULL;
  const guchar *sniff = NULL;
  gsize len = 0;
  gboolean uncertain = FALSE;

  if (data != NULL)
    {
      sniff = g_bytes_get_data (data, &len);
      len = MIN (len, SNIFF_BYTES);
    }
  /* On Windows the content type is an extension (".pdf"); the MIME type is what travels. */
  content_type = g_content_type_guess (filename, sniff, len, &uncertain);
  if (content_type != NULL)
    mime = g_content_type_get_mime_type (content_type);
  if ((mime == NULL || g_str_has_prefix (mime, "application/x-ext-") ||
       strchr (mime, '/') == NULL) && sd_common_type (filename) != NULL)
    return g_strdup (sd_common_type (filename));
  if (mime == NULL || g_str_equal (mime, "application/x-zerosize") || strchr (mime, '/') == NULL)
    return g_strdup ("application/octet-stream");
  return g_steal_pointer (&mime);
}

SdAttachment *
sd_attachment_new (const char *filename,
                   const char *content_type,
                   GBytes     *data)
{
  SdAttachment *attachment = g_new0 (SdAttachment, 1);

  g_return_val_if_fail (filename != NULL && data != NULL, NULL);

  attachment->filename = g_utf8_make_valid (filename, -1);
  attachment->data = g_bytes_ref (data);
  attachment->content_type = content_type != NULL ? g_strdup (content_type)
                                                  : sd_attachment_guess_type (filename, data);
  return attachment;
}

SdAttachment *
sd_attachment_new_from_file (const char  *path,
                             GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GBytes) data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  data = g_bytes_new_take (g_steal_pointer (&contents), len);
  base = g_path_get_basename (path);
  /* File names are in the file system's encoding; the message wants UTF-8. */
  display = g_filename_display_name (base);
  return sd_attachment_new (display, NULL, data);
}

SdAttachment *
sd_attachment_new_generated (guint64 size)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) data = NULL;
  guchar *buf = g_malloc (size > 0 ? size : 1);
  guint32 state = 0x2545F491u;

  /* xorshift32: random-looking bytes, so a compressing link or scanner cannot shrink
   * them, and the same bytes every run, so a test can compare what arrived. */
  for (guint64 i = 0; i < size; i++)
    {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      buf[i] = (guchar) (state >> 24);
    }
  data = g_bytes_new_take (buf, size);
  if (size > 0 && size % (1024 * 1024) == 0)
    name = g_strdup_printf ("smtp-doctor-%" G_GUINT64_FORMAT "-MB.bin", size / (1024 * 1024));
  else
    name = g_strdup_printf ("smtp-doctor-%" G_GUINT64_FORMAT "-bytes.bin", size);
  return sd_attachment_new (name, "application/octet-stream", data);
}

SdAttachment *
sd_attachment_copy (const SdAttachment *attachment)
{
  g_return_val_if_fail (attachment != NULL, NULL);

  return sd_attachment_new (attachment->filename, attachment->content_type, attachment->data);
}

void
sd_attachment_free (SdAttachment *attachment)
{
  if (attachment == NULL)
    return;
  g_free (attachment->filename);
  g_free (attachment->content_type);
  g_bytes_unref (attachment->data);
  g_free (attachment);
}

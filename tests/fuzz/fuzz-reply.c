/* fuzz-reply.c: libFuzzer harness for the SMTP reply parser and EHLO capabilities
 *
 * Built with -Dfuzzing=true under clang; build-aux/fuzz.sh builds and runs every target.
 * The first input byte chooses how the rest is split into reads; the result must be the
 * same as feeding it in one go, and capabilities must be readable from every reply.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd-capabilities.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct {
  GString *described;  /* every reply, then the error, as text */
  gsize    pending;
  gboolean failed;
} Outcome;

static void
describe (SdReplyParser *parser,
          GString       *out)
{
  SdReply *reply;

  while ((reply = sd_reply_parser_pop (parser)) != NULL)
    {
      g_autoptr(SdCapabilities) caps = sd_capabilities_new_from_reply (reply);
      g_autofree char *auth = sd_capabilities_dup_auth_string (caps);

      g_string_append_printf (out, "%u|%s|%u|%s\n", reply->code,
                              reply->enhanced != NULL ? reply->enhanced : "-",
                              sd_reply_get_n_lines (reply), auth);
      for (guint i = 0; i < reply->lines->len; i++)
        {
          g_string_append (out, g_ptr_array_index (reply->lines, i));
          g_string_append_c (out, '\n');
        }
      sd_reply_free (reply);
    }
}

/* Feeds @data in reads of 1..@step bytes (whole when @step is 0). */
static void
run (const char *data,
     gsize       size,
     guint       step,
     Outcome    *outcome)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  gsize pos = 0;
  guint k = 0;

  outcome->described = g_string_new (NULL);

  while (pos < size)
    {
      gsize n = step == 0 ? size : 1 + (k++ * 7) % step;

      n = MIN (n, size - pos);
      if (!sd_reply_parser_feed (parser, data + pos, n, &error))
        break;
      pos += n;

      /* Queued replies are popped as they come, as the session does. */
      if (k % 3 == 0)
        describe (parser, outcome->described);
    }

  describe (parser, outcome->described);
  if (error != NULL)
    g_string_append_printf (outcome->described, "error %d\n", error->code);
  outcome->pending = sd_reply_parser_get_pending (parser);
  outcome->failed = error != NULL;

  /* An unfinished reply is bounded by the limits. */
  if (error == NULL &&
      outcome->pending > (SD_REPLY_MAX_LINE_LENGTH + 2) * (SD_REPLY_MAX_LINES + 1))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Outcome whole = { 0 };
  Outcome split = { 0 };

  if (size < 1)
    return 0;

  run ((const char *) data + 1, size - 1, 0, &whole);
  run ((const char *) data + 1, size - 1, 1 + data[0] % 16, &split);

  if (!g_string_equal (whole.described, split.described))
    abort ();
  /* Pending bytes only mean something while no error happened. */
  if (!whole.failed && whole.pending != split.pending)
    abort ();

  g_string_free (whole.described, TRUE);
  g_string_free (split.described, TRUE);

  return 0;
}

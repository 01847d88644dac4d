/* sd-session-repeat.c: message after message over one connection, with RSET between,
 * as an application sends a batch (the burst's way to find a rate limit)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-session-private.h"

/* RSET between messages: a refused transaction leaves nothing behind on the server. */
static gboolean
sd_run_rset (SdRun   *run,
             GError **error)
{
  g_autoptr(SdReply) reply = NULL;

  if (!_sd_run_send (run, "RSET", error))
    return FALSE;
  reply = _sd_run_read_reply (run, "RSET", error);
  if (reply == NULL)
    return FALSE;
  if (reply->code != 250)
    {
      _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_REJECTED, reply,
                               _("The server refused RSET"));
      _sd_run_quit_quietly (run);
      return FALSE;
    }
  g_ptr_array_set_size (run->report->recipients, 0);
  return TRUE;
}

/* Without a repeat function: the one transaction. With one: each message's outcome goes
 * to it; a refusal only ends the session when nothing more is wanted or the server
 * can no longer be talked to (421 closes, I/O errors, timeouts). */
gboolean
_sd_run_transactions (SdRun    *run,
                      gboolean *quit_sent,
                      GError  **error)
{
  if (run->repeat == NULL)
    return _sd_run_transaction (run, quit_sent, error);

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      gboolean ok, more, alive;

      run->keep_open = TRUE;
      ok = _sd_run_transaction (run, quit_sent, &local);
      run->keep_open = FALSE;
      more = run->repeat (ok, run->report, local, run->repeat_data);
      alive = ok || (g_error_matches (local, SD_SESSION_ERROR, SD_SESSION_ERROR_REJECTED) &&
                     run->report->reply != NULL && run->report->reply->code != 421);
      if (!ok && (!more || !alive))
        {
          if (alive)
            _sd_run_quit_quietly (run);
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (!more)
        return TRUE;
      if (!sd_run_rset (run, error))
        return FALSE;
    }
}

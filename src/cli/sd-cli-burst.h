/* sd-cli-burst.h: `send --count N [--connections C] [--interval MS] [--reconnect]`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-burst.h"

G_BEGIN_DECLS

typedef struct {
  int count;         /* -1: not given (one message, the normal transcript) */
  int connections;   /* -1: not given */
  int interval_ms;   /* -1: not given */
  gboolean reconnect;
} SdCliBurstOptions;

void     sd_cli_burst_options_init        (SdCliBurstOptions *options);
void     sd_cli_burst_options_add_entries (SdCliBurstOptions *options,
                                           GOptionContext    *context);
/* Whether a burst was asked for; FALSE with @error on bad values. */
gboolean sd_cli_burst_options_get_spec    (const SdCliBurstOptions *options,
                                           SdBurstSpec             *spec,
                                           GError                 **error);
/* Runs it, prints one line per message (or JSON at the end), then the summary.
 * Returns the exit code: 0 when every message was accepted, else the code of the first
 * message that was not (5 for a refusal, as `send`). */
int      sd_cli_burst_run                 (const SdSettings  *settings,
                                           const SdBurstSpec *spec,
                                           gboolean           json);

G_END_DECLS

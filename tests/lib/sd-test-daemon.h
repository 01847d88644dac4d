/* sd-test-daemon.h: helpers for the tests against real servers (Postfix, Dovecot) that a
 * control script starts on loopback high ports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A TCP port on 127.0.0.1 that was free a moment ago. */
guint16  sd_test_free_port  (void);

/* Runs "bash SCRIPT ARGS..." (SCRIPT relative to the test sources); fails with its
 * stderr when it exits non-zero. */
gboolean sd_test_daemon_ctl (const char  *script,
                             GError     **error,
                             ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS

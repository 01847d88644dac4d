/* sd-test-scenario.h: one client session against the scripted server, for g_test fixtures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-session.h"
#include "sd-test-server.h"

G_BEGIN_DECLS

typedef struct {
  SdTestServerConfig  config;      /* change before sd_test_scenario_start() */
  SdTestServer       *server;
  SdSettings         *settings;
  SdReport           *report;
  const SdTestRecord *record;      /* what the server saw, after the run */
  gint64              elapsed_us;
} SdTestScenario;

/* g_test_add() fixture functions. */
void        sd_test_scenario_setup    (SdTestScenario *s,
                                       gconstpointer   data);
void        sd_test_scenario_teardown (SdTestScenario *s,
                                       gconstpointer   data);
/* Starts the server as configured; settings that reach it: 127.0.0.1, its port,
 * @security, the test CA, a 5 s timeout (transfer none: the scenario owns them). */
SdSettings *sd_test_scenario_start    (SdTestScenario *s,
                                       SdSecurity      security);
/* Runs the session, collects the server's record, and logs both sides for failures. */
void        sd_test_scenario_run      (SdTestScenario *s);

G_END_DECLS

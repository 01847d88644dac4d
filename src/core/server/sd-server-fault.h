/* sd-server-fault.h: deterministic faults for the built-in server
 *
 * At a stage (connect, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, end of data) a
 * chosen reply, a close, a delay, or a greylist once (451 4.7.1 the first time a client
 * address reaches the stage, then as usual). `serve --fail STAGE=ACTION`.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-server.h"

G_BEGIN_DECLS

typedef enum {
  SD_FAULT_CONNECT,
  SD_FAULT_GREETING,
  SD_FAULT_EHLO,
  SD_FAULT_STARTTLS,
  SD_FAULT_AUTH,
  SD_FAULT_MAIL,
  SD_FAULT_RCPT,
  SD_FAULT_DATA,
  SD_FAULT_END_OF_DATA,
  SD_FAULT_N_STAGES
} SdFaultStage;

typedef enum {
  SD_FAULT_REPLY,      /* answer with @reply instead */
  SD_FAULT_CLOSE,      /* close the connection without a word */
  SD_FAULT_DELAY,      /* wait @delay_s, then go on as usual */
  SD_FAULT_GREYLIST,   /* 451 4.7.1 once per client address, then as usual */
} SdFaultAction;

#define SD_FAULT_MAX_DELAY_S 600

typedef struct {
  SdFaultStage  stage;
  SdFaultAction action;
  char         *reply;     /* SD_FAULT_REPLY: one or more lines, "\n" between */
  guint         delay_s;   /* SD_FAULT_DELAY */
} SdServerFault;

/* "rcpt=550 5.1.1 User unknown", "data=close", "greeting=delay:10", "mail=greylist".
 * A reply is a code 200-599 and text, one line; CR and LF are refused. */
SdServerFault *sd_server_fault_parse (const char     *spec,
                                      GError        **error);
void           sd_server_fault_free  (SdServerFault  *fault);
SdServerFault *sd_server_fault_copy  (const SdServerFault *fault);
/* "rcpt", "end-of-data", … (transfer none) */
const char    *sd_fault_stage_to_string (SdFaultStage stage);
/* The spec again, for the window and the JSON (transfer full). */
char          *sd_server_fault_to_string (const SdServerFault *fault);
/* Adds a copy of @fault to @config (an earlier one for the same stage is replaced). */
void           sd_server_config_add_fault (SdServerConfig      *config,
                                           const SdServerFault *fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdServerFault, sd_server_fault_free)

G_END_DECLS

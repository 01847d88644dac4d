/* sd-server-fault.c: parsing and keeping the faults to inject (the engine applies them
 * in sd-server-session.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server-fault.h"
#include "sd-server-private.h"

static const char * const stage_names[SD_FAULT_N_STAGES] = {
  "connect", "greeting", "ehlo", "starttls", "auth", "mail", "rcpt", "data", "end-of-data",
};

const char *
sd_fault_stage_to_string (SdFaultStage stage)
{
  g_return_val_if_fail (stage < SD_FAULT_N_STAGES, "?");
  return stage_names[stage];
}

static gboolean
stage_from_string (const char   *name,
                   SdFaultStage *stage)
{
  for (guint i = 0; i < SD_FAULT_N_STAGES; i++)
    if (g_ascii_strcasecmp (name, stage_names[i]) == 0)
      {
        *stage = i;
        return TRUE;
      }
  /* Spellings people reach for. */
  if (g_ascii_strcasecmp (name, "helo") == 0)
    *stage = SD_FAULT_EHLO;
  else if (g_ascii_strcasecmp (name, "dot") == 0 || g_ascii_strcasecmp (name, "eod") == 0)
    *stage = SD_FAULT_END_OF_DATA;
  else
    return FALSE;
  return TRUE;
}

static gboolean
reply_is_valid (const char *reply)
{
  return strlen (reply) >= 3 && reply[0] >= '2' && reply[0] <= '5' &&
         g_ascii_isdigit (reply[1]) && g_ascii_isdigit (reply[2]) &&
         (reply[3] == '\0' || reply[3] == ' ') && strlen (reply) <= 512 &&
         strpbrk (reply, "\r\n") == NULL && g_utf8_validate (reply, -1, NULL);
}

SdServerFault *
sd_server_fault_parse (const char  *spec,
                       GError     **error)
{
  g_autoptr(SdServerFault) fault = g_new0 (SdServerFault, 1);
  const char *eq = strchr (spec, '=');
  g_autofree char *stage = eq != NULL ? g_strndup (spec, eq - spec) : NULL;
  const char *action = eq != NULL ? eq + 1 : NULL;
  guint64 delay = 0;

  if (stage == NULL || !stage_from_string (g_strstrip (stage), &fault->stage))
    {
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                   /* Translators: the user's text, then the stage names (not translated). */
                   _("“%s” is not STAGE=ACTION with a stage of %s"), spec,
                   "connect, greeting, ehlo, starttls, auth, mail, rcpt, data, end-of-data");
      return NULL;
    }
  if (g_ascii_strcasecmp (action, "close") == 0)
    fault->action = SD_FAULT_CLOSE;
  else if (g_ascii_strcasecmp (action, "greylist") == 0)
    fault->action = SD_FAULT_GREYLIST;
  else if (g_ascii_strncasecmp (action, "delay:", 6) == 0 &&
           g_ascii_string_to_unsigned (action + 6, 10, 0, SD_FAULT_MAX_DELAY_S, &delay, NULL))
    {
      fault->action = SD_FAULT_DELAY;
      fault->delay_s = delay;
    }
  else if (reply_is_valid (action))
    {
      fault->action = SD_FAULT_REPLY;
      fault->reply = g_strdup (action);
    }
  else
    {
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                   /* Translators: the user's text; keep the actions in English. */
                   _("“%s”: the action is a reply (a code 200 to 599 and text, on one line), "
                     "close, delay:SECONDS (up to 600) or greylist"), spec);
      return NULL;
    }
  return g_steal_pointer (&fault);
}

void
sd_server_fault_free (SdServerFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->reply);
  g_free (fault);
}

SdServerFault *
sd_server_fault_copy (const SdServerFault *fault)
{
  SdServerFault *copy = g_memdup2 (fault, sizeof *fault);

  copy->reply = g_strdup (fault->reply);
  return copy;
}

char *
sd_server_fault_to_string (const SdServerFault *fault)
{
  const char *stage = sd_fault_stage_to_string (fault->stage);

  switch (fault->action)
    {
    case SD_FAULT_REPLY:    return g_strdup_printf ("%s=%s", stage, fault->reply);
    case SD_FAULT_CLOSE:    return g_strdup_printf ("%s=close", stage);
    case SD_FAULT_DELAY:    return g_strdup_printf ("%s=delay:%u", stage, fault->delay_s);
    case SD_FAULT_GREYLIST: return g_strdup_printf ("%s=greylist", stage);
    default:                g_return_val_if_reached (NULL);
    }
}

void
sd_server_config_add_fault (SdServerConfig      *config,
                            const SdServerFault *fault)
{
  for (guint i = 0; i < config->faults->len; i++)
    if (((SdServerFault *) config->faults->pdata[i])->stage == fault->stage)
      {
        g_ptr_array_remove_index (config->faults, i);
        break;
      }
  g_ptr_array_add (config->faults, sd_server_fault_copy (fault));
}

/* --- applying them (on the session's thread) ---------------------------------------- */

static const SdServerFault *
fault_for (Session      *s,
           SdFaultStage  stage)
{
  for (guint i = 0; i < s->cfg->faults->len; i++)
    if (((SdServerFault *) s->cfg->faults->pdata[i])->stage == stage)
      return s->cfg->faults->pdata[i];
  return NULL;
}

/* TRUE the first time this client address reaches @stage. */
static gboolean
fault_greylist_first (Session      *s,
                      SdFaultStage  stage)
{
  SdServer *server = s->server;
  char *key = g_strdup_printf ("fault\n%u\n%s", stage, s->peer_ip);
  gboolean first;

  g_mutex_lock (&server->lock);
  first = !g_hash_table_contains (server->greylist, key);
  if (first)
    g_hash_table_add (server->greylist, key);
  else
    g_free (key);
  g_mutex_unlock (&server->lock);
  return first;
}

/* Waits, but not past the server's stop. */
static void
fault_sleep (Session *s,
             guint    seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < until && !g_cancellable_is_cancelled (s->server->cancellable))
    g_usleep (MIN (100 * 1000, MAX (until - g_get_monotonic_time (), 0)));
}

/* Applies the fault set for @stage, if any. TRUE when it answered in place of the
 * command (the result in *@step); FALSE to go on as usual (also after a delay). */
gboolean
_sd_server_apply_fault (Session      *s,
                        SdFaultStage  stage,
                        Step         *step)
{
  const SdServerFault *fault = fault_for (s, stage);
  gboolean early = stage == SD_FAULT_CONNECT || stage == SD_FAULT_GREETING;
  g_autofree char *spec = NULL;

  if (fault == NULL)
    return FALSE;
  if (fault->action == SD_FAULT_GREYLIST && !fault_greylist_first (s, stage))
    return FALSE;
  spec = sd_server_fault_to_string (fault);
  /* Translators: %s is what the user asked for, as in --fail: "rcpt=close". */
  _sd_server_emitf (s, SD_DIRECTION_WARNING, _("Injected fault: %s"), spec);
  switch (fault->action)
    {
    case SD_FAULT_DELAY:
      if (!_sd_server_flush_replies (s))
        {
          *step = STEP_FAILED;
          return TRUE;
        }
      fault_sleep (s, fault->delay_s);
      return FALSE;
    case SD_FAULT_CLOSE:
      _sd_server_flush_replies (s);
      _sd_server_set_end (s, "fault: close");
      *step = STEP_CLOSE;
      return TRUE;
    case SD_FAULT_GREYLIST:
      *step = early ? _sd_server_close_with (s, "421 4.7.1 Greylisted, please try again later",
                                             "fault: greylist")
                    : _sd_server_reply (s, "451 4.7.1 Greylisted, please try again later");
      return TRUE;
    case SD_FAULT_REPLY:
      /* 421 means closing (RFC 5321 3.8); so does a refusal before the greeting ended. */
      if (g_str_has_prefix (fault->reply, "421") || stage == SD_FAULT_CONNECT ||
          (early && fault->reply[0] != '2'))
        *step = _sd_server_close_with (s, fault->reply, "fault: reply");
      else
        *step = _sd_server_reply (s, fault->reply);
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

/* sd-report-json.c: the report as one JSON document (Jansson)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>

#include "sd-json-private.h"
#include "sd-report.h"
#include "sd-session-error.h"

/* Jansson wants valid UTF-8; server text may not be. */
json_t *
_sd_json_text (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    return json_null ();
  valid = g_utf8_make_valid (text, -1);
  return json_string (valid);
}

static json_t *
sd_json_reply (const SdReply *reply)
{
  g_autofree char *text = NULL;
  json_t *lines;

  if (reply == NULL)
    return json_null ();
  text = sd_reply_dup_text (reply);
  lines = json_array ();
  for (guint i = 0; i < reply->lines->len; i++)
    json_array_append_new (lines, _sd_json_text (reply->lines->pdata[i]));
  return json_pack ("{s:i, s:o, s:o, s:o}",
                    "code", (int) reply->code,
                    "enhanced", _sd_json_text (reply->enhanced),
                    "text", _sd_json_text (text),
                    "lines", lines);
}

json_t *
_sd_json_strings (GPtrArray *strings)
{
  json_t *array = json_array ();
  for (guint i = 0; strings != NULL && i < strings->len; i++)
    json_array_append_new (array, _sd_json_text (strings->pdata[i]));
  return array;
}

json_t *
_sd_json_caps (const SdCapabilities *caps)
{
  if (caps == NULL)
    return json_null ();
  return json_pack ("{s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:o}",
                    "domain", _sd_json_text (caps->domain),
                    "keywords", _sd_json_strings (caps->keywords),
                    "auth", _sd_json_strings (caps->auth),
                    "starttls", caps->starttls,
                    "pipelining", caps->pipelining,
                    "chunking", caps->chunking,
                    "8bitmime", caps->eightbitmime,
                    "size", caps->has_size ? json_integer ((json_int_t) caps->size) : json_null ());
}

json_t *
_sd_json_tls (const SdTlsInfo *tls)
{
  json_t *chain;

  if (tls == NULL)
    return json_null ();
  chain = json_array ();
  for (guint i = 0; i < tls->chain->len; i++)
    {
      SdCertInfo *cert = tls->chain->pdata[i];
      json_array_append_new (chain,
        json_pack ("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:b}",
                   "subject", _sd_json_text (cert->subject),
                   "issuer", _sd_json_text (cert->issuer),
                   "sans", _sd_json_strings (cert->sans),
                   "not_before", _sd_json_text (cert->not_before),
                   "not_after", _sd_json_text (cert->not_after),
                   "sha256", _sd_json_text (cert->sha256),
                   "key_type", _sd_json_text (cert->key_type),
                   "key_bits", (int) cert->key_bits,
                   "self_signed", cert->self_signed));
    }
  return json_pack ("{s:o, s:o, s:o, s:b, s:b, s:o, s:o, s:o}",
                    "version", _sd_json_text (tls->version),
                    "cipher", _sd_json_text (tls->cipher),
                    "description", _sd_json_text (tls->description),
                    "verified", tls->verified,
                    "pin_matched", tls->pin_matched,
                    "verify_error", _sd_json_text (tls->verify_error),
                    "policy", _sd_json_text (tls->policy),
                    "chain", chain);
}

static json_t *
sd_json_error (const GError *error)
{
  if (error == NULL)
    return json_null ();
  return json_pack ("{s:s, s:i, s:o}",
                    "code", sd_session_error_name (error),
                    "exit_code", sd_session_error_exit_code (error),
                    "message", _sd_json_text (error->message));
}

json_t *
_sd_json_hints (GPtrArray *hints)
{
  json_t *array = json_array ();

  for (guint i = 0; hints != NULL && i < hints->len; i++)
    {
      const SdHint *hint = hints->pdata[i];
      json_t *fixes = json_array ();

      for (guint j = 0; j < hint->fixes->len; j++)
        {
          const SdHintFix *fix = hint->fixes->pdata[j];
          json_array_append_new (fixes,
            json_pack ("{s:o, s:o, s:o}",
                       "product", _sd_json_text (fix->product),
                       "label", _sd_json_text (fix->label),
                       "steps", _sd_json_strings (fix->steps)));
        }
      json_array_append_new (array,
        json_pack ("{s:o, s:s, s:o, s:o, s:o, s:o}",
                   "id", _sd_json_text (hint->id),
                   "severity", sd_hint_severity_to_string (hint->severity),
                   "title", _sd_json_text (hint->title),
                   "detail", _sd_json_text (hint->detail),
                   "evidence", _sd_json_strings (hint->evidence),
                   "fixes", fixes));
    }
  return array;
}

json_t *
_sd_json_events (GPtrArray *events)
{
  json_t *array = json_array ();

  for (guint i = 0; i < events->len; i++)
    {
      SdEvent *event = events->pdata[i];
      json_array_append_new (array,
        json_pack ("{s:f, s:s, s:s, s:b, s:b, s:o}",
                   "t_ms", event->t_us / 1000.0,
                   "dir", sd_direction_to_string (event->direction),
                   "stage", sd_stage_to_string (event->stage),
                   "encrypted", event->encrypted,
                   "redacted", event->redacted,
                   "text", _sd_json_text (event->text)));
    }
  return array;
}

char *
_sd_json_dump (json_t   *root,
               gboolean  one_line)
{
  char *dump = json_dumps (root, (one_line ? JSON_COMPACT : JSON_INDENT (2)) | JSON_PRESERVE_ORDER);
  char *copy = g_strdup (dump);   /* so callers can g_free() it */

  free (dump);
  json_decref (root);
  return copy;
}

char *
sd_report_to_json (const SdReport *report,
                   GPtrArray      *hints)
{
  json_t *root, *timings, *transcript, *recipients;

  timings = json_object ();
  for (guint i = 0; i < SD_N_STAGES; i++)
    if (report->timings_us[i] >= 0)
      json_object_set_new (timings, sd_stage_to_string (i),
                           json_real (report->timings_us[i] / 1000.0));
  /* The per-stage times stay (scripts read them); pipelined they are one round trip. */
  if (sd_report_get_pipelined_us (report) >= 0)
    {
      json_t *stages = json_array ();
      for (guint i = 0; i < SD_N_STAGES; i++)
        if (sd_report_stage_pipelined (report, i))
          json_array_append_new (stages, json_string (sd_stage_to_string (i)));
      json_object_set_new (timings, "pipelined",
                           json_pack ("{s:o,s:f}", "stages", stages, "total",
                                      sd_report_get_pipelined_us (report) / 1000.0));
    }

  transcript = _sd_json_events (report->events);

  recipients = json_array ();
  for (guint i = 0; i < report->recipients->len; i++)
    {
      SdRecipientResult *result = report->recipients->pdata[i];
      json_array_append_new (recipients,
        json_pack ("{s:o, s:o}",
                   "address", _sd_json_text (result->address),
                   "reply", sd_json_reply (result->reply)));
    }

  root = json_pack ("{s:b, s:s, s:o, s:o, s:{s:o, s:i, s:o, s:o}, s:o, "
                    "s:{s:o, s:o}, s:o, s:o, s:o, s:b, s:b, s:o, s:o, s:o}",
                    "ok", report->ok,
                    "stage", sd_stage_to_string (report->stage),
                    "error", sd_json_error (report->error),
                    "reply", sd_json_reply (report->reply),
                    "server",
                      "host", _sd_json_text (report->host),
                      "port", (int) report->port,
                      "address", _sd_json_text (report->address),
                      "banner", _sd_json_text (report->banner),
                    "security", _sd_json_text (report->security),
                    "capabilities",
                      "before_tls", _sd_json_caps (report->caps_before_tls),
                      "after_tls", _sd_json_caps (report->caps_after_tls),
                    "tls", _sd_json_tls (report->tls),
                    "auth_mechanism", _sd_json_text (report->auth_mechanism),
                    "recipients", recipients,
                    "pipelining", report->pipelining_used,
                    "chunking", report->chunking_used,
                    "timings_ms", timings,
                    "transcript", transcript,
                    "hints", _sd_json_hints (hints));
  g_assert (root != NULL);
  /* How it ended, for scripts: "message_accepted" is false after --quit-after. */
  {
    g_autofree char *outcome = sd_report_describe_outcome (report);
    json_object_set_new (root, "outcome", outcome ? json_string (outcome) : json_null ());
    json_object_set_new (root, "message_accepted",
                         json_boolean (report->ok && !report->stopped_early));
    json_object_set_new (root, "stopped_after",
                         report->stopped_early
                           ? json_string (sd_stage_to_string (report->stopped_after))
                           : json_null ());
  }
  return _sd_json_dump (root, FALSE);
}

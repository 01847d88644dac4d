/* sd-check-json.c: the check as one JSON document (`smtp-doctor-cli check --json`)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-check-private.h"
#include "sd-json-private.h"

static json_t *
sd_json_auth (const SdCapabilities *caps)
{
  return _sd_json_strings (caps ? caps->auth : NULL);
}

static json_t *
sd_json_timings (const SdReport *report)
{
  json_t *timings = json_object ();

  for (guint s = 0; report != NULL && s < SD_N_STAGES; s++)
    if (report->timings_us[s] >= 0)
      json_object_set_new (timings, sd_stage_to_string (s),
                           json_real (report->timings_us[s] / 1000.0));
  return timings;
}

static json_t *
sd_json_probe (const SdCheckProbe *probe)
{
  const SdReport *r = probe->report;
  json_t *accepted = json_array (), *versions = json_object ();
  static const char *const verdicts[] = { "untested", "accepted", "refused", "cannot-test" };

  for (guint i = 0; i < SD_CHECK_N_TLS_VERSIONS; i++)
    {
      if (probe->tls_versions[i] == SD_CHECK_TLS_ACCEPTED)
        json_array_append_new (accepted, json_string (sd_check_tls_version_name (i)));
      json_object_set_new (versions, sd_check_tls_version_name (i),
                           json_string (verdicts[probe->tls_versions[i]]));
    }
  return json_pack ("{s:s, s:s, s:i, s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, "
                    "s:o, s:o, s:o, s:o, s:o}",
    "host", probe->host,
    "address", probe->address,
    "port", (int) probe->port,
    "security", sd_security_to_string (probe->security),
    "outcome", sd_check_outcome_to_string (probe->outcome),
    "detail", _sd_json_text (probe->detail),
    "banner", _sd_json_text (r ? r->banner : NULL),
    "starttls_offered", r && r->caps_before_tls && r->caps_before_tls->starttls,
    "ehlo_before_tls", _sd_json_caps (r ? r->caps_before_tls : NULL),
    "ehlo_after_tls", _sd_json_caps (r ? r->caps_after_tls : NULL),
    "auth_before_tls", sd_json_auth (r ? r->caps_before_tls : NULL),
    "auth_after_tls", sd_json_auth (r ? r->caps_after_tls : NULL),
    "tls_version", _sd_json_text (r && r->tls ? r->tls->version : NULL),
    "tls_versions_accepted", accepted,
    "tls_versions", versions,
    "certificate", _sd_json_tls (r ? r->tls : NULL),
    "greeting_ms", probe->greeting_us >= 0 ? json_real (probe->greeting_us / 1000.0)
                                           : json_null (),
    "timings_ms", sd_json_timings (r));
}

static json_t *
sd_json_spf (const SdCheckReport *report)
{
  json_t *terms;

  if (report->spf_record == NULL)
    return json_null ();
  terms = json_array ();
  for (guint i = 0; report->spf != NULL && i < report->spf->terms->len; i++)
    {
      const SdSpfTerm *term = report->spf->terms->pdata[i];
      g_autofree char *text = g_strdup_printf ("%s%s%s%s",
                                               term->qualifier && term->qualifier != '+'
                                               ? (char[]) { term->qualifier, 0 } : "",
                                               term->name,
                                               term->value == NULL ? "" :
                                               term->qualifier == 0 ? "=" :
                                               term->value[0] == '/' ? "" : ":",
                                               term->value ? term->value : "");
      json_array_append_new (terms, json_string (text));
    }
  return json_pack ("{s:o, s:o, s:i, s:i, s:o, s:o, s:o}",
    "record", _sd_json_text (report->spf_record),
    "terms", terms,
    "records_found", (int) report->spf_records_found,
    "lookups", report->spf ? (int) sd_spf_count_lookups (report->spf) : 0,
    "all", report->spf && report->spf->all ? json_string (sd_spf_qualifier_word (report->spf->all))
                                           : json_null (),
    "problems", _sd_json_strings (report->spf ? report->spf->problems : NULL),
    "verdict", _sd_json_text (report->spf_verdict));
}

static json_t *
sd_json_dns (const SdCheckReport *report)
{
  json_t *ptrs = json_array ();

  for (guint i = 0; i < report->ptrs->len; i++)
    {
      const SdCheckPtr *ptr = report->ptrs->pdata[i];
      json_array_append_new (ptrs, json_pack ("{s:s, s:o, s:b, s:o}",
        "address", ptr->address,
        "name", _sd_json_text (ptr->name),
        "forward_match", ptr->forward_match,
        "error", _sd_json_text (ptr->error)));
    }
  return json_pack ("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
    "from_domain", _sd_json_text (report->from_domain),
    "ptr", ptrs,
    "spf", sd_json_spf (report),
    "dmarc", report->dmarc_record == NULL ? json_null () :
             json_pack ("{s:o, s:o}", "record", _sd_json_text (report->dmarc_record),
                        "policy", _sd_json_text (report->dmarc_policy)),
    "mta_sts", _sd_json_text (report->mta_sts),
    "tls_rpt", _sd_json_text (report->tls_rpt),
    "mx_error", _sd_json_text (report->mx_error));
}

char *
sd_check_report_to_json (const SdCheckReport *report)
{
  json_t *mx = json_array (), *lists = json_array (), *probes = json_array ();

  for (guint i = 0; i < report->hosts->len; i++)
    {
      const SdCheckHost *host = report->hosts->pdata[i];
      json_array_append_new (mx, json_pack ("{s:s, s:i, s:o, s:o}",
        "host", host->name, "preference", (int) host->preference,
        "addresses", _sd_json_strings (host->addresses),
        "error", _sd_json_text (host->error)));
    }
  for (guint i = 0; i < report->blocklists->len; i++)
    {
      const SdCheckBlocklist *entry = report->blocklists->pdata[i];
      json_array_append_new (lists, json_pack ("{s:s, s:o, s:s, s:b, s:s, s:o, s:o}",
        "zone", entry->zone, "name", _sd_json_text (entry->name),
        "address", entry->address,
        "listed", entry->listing == SD_CHECK_LISTING_LISTED,
        "result", sd_check_listing_to_string (entry->listing),
        "answer", _sd_json_text (entry->answer),
        "removal", _sd_json_text (entry->removal)));
    }
  for (guint i = 0; i < report->probes->len; i++)
    json_array_append_new (probes, sd_json_probe (report->probes->pdata[i]));

  return _sd_json_dump (json_pack ("{s:o, s:b, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                                   "s:f, s:f, s:i}",
    "target", _sd_json_text (report->target),
    "has_mx", report->has_mx,
    "null_mx", report->null_mx,
    "target_is_address", report->target_is_address,
    "mx", mx,
    "dns", sd_json_dns (report),
    "public_address", _sd_json_text (report->public_address),
    "public_address_source", _sd_json_text (report->public_address_source),
    "blocklists", lists,
    "probes", probes,
    "findings", _sd_json_hints (report->findings),
    "elapsed_ms", report->elapsed_us / 1000.0,
    "sweep_ms", report->sweep_us / 1000.0,
    "exit_code", sd_check_report_exit_code (report)), FALSE);
}

/* sd-check-sender.c: what the sender domain publishes: SPF, DMARC, MTA-STS, TLS-RPT
 *
 * The SPF record's include: and redirect= targets are fetched too (bounded), so the
 * lookups are counted as a receiver counts them and this machine's address can be
 * judged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-check-private.h"

/* Beyond this many records fetched the count is already over the limit of 10. */
#define SD_SPF_MAX_FETCHES 24

typedef struct {
  SdCheckReport *report;
  guint          fetches;
  guint          outstanding;  /* the state goes with the last answer */
} SdSenderState;

typedef struct {
  SdSenderState *state;
  SdSpfTerm     *term;    /* NULL: the domain's own record */
} SdSpfFetch;

static char *
sd_pick_record (gconstpointer  records,
                const char    *prefix,
                guint         *n_found)
{
  g_autoptr(GPtrArray) texts = _sd_check_txt_strings (records);
  char *found = NULL;

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];
      gsize len = strlen (prefix);
      if (g_ascii_strncasecmp (text, prefix, len) != 0 || (text[len] != '\0' &&
                                                          text[len] != ' ' &&
                                                          text[len] != ';'))
        continue;
      if (n_found != NULL)
        (*n_found)++;
      if (found == NULL)
        found = g_strdup (text);
    }
  return found;
}

static void sd_spf_fetch_targets (SdCheckDns    *dns,
                                  SdSenderState *state,
                                  SdSpf         *spf);

static void
sd_spf_read (SdCheckDns   *dns,
             SdSpfFetch   *fetch,
             gconstpointer result)
{
  SdCheckReport *report = fetch->state->report;
  g_autofree char *record = NULL;
  SdSpf *spf;

  if (fetch->term == NULL)
    {
      record = sd_pick_record (result, "v=spf1", &report->spf_records_found);
      report->spf_record = g_strdup (record);
      if (record == NULL || report->spf_records_found > 1)
        return;
      spf = report->spf = sd_spf_parse (record);
    }
  else
    {
      record = sd_pick_record (result, "v=spf1", NULL);
      spf = fetch->term->target = sd_spf_parse (record);
    }
  if (spf != NULL)
    sd_spf_fetch_targets (dns, fetch->state, spf);
}

static void
sd_spf_done (SdCheckDns   *dns,
             gconstpointer result,
             const GError *error,
             gpointer      user_data)
{
  g_autofree SdSpfFetch *fetch = user_data;

  sd_spf_read (dns, fetch, result);
  if (--fetch->state->outstanding == 0)
    g_free (fetch->state);
}

static void
sd_spf_fetch (SdCheckDns    *dns,
              SdSenderState *state,
              SdSpfTerm     *term,
              const char    *domain)
{
  SdSpfFetch *fetch = g_new0 (SdSpfFetch, 1);

  fetch->state = state;
  fetch->term = term;
  state->fetches++;
  state->outstanding++;
  _sd_check_dns_records (dns, domain, G_RESOLVER_RECORD_TXT, sd_spf_done, fetch);
}

static void
sd_spf_fetch_targets (SdCheckDns    *dns,
                      SdSenderState *state,
                      SdSpf         *spf)
{
  for (guint i = 0; i < spf->terms->len; i++)
    {
      SdSpfTerm *term = spf->terms->pdata[i];
      gboolean names_record = g_str_equal (term->name, "include") ||
                              g_str_equal (term->name, "redirect");

      /* Macros ("%{i}") need the sender's details: not expanded here. */
      if (!names_record || term->value == NULL || strchr (term->value, '%') != NULL ||
          state->fetches >= SD_SPF_MAX_FETCHES)
        continue;
      sd_spf_fetch (dns, state, term, term->value);
    }
}

static void
sd_dmarc_done (SdCheckDns   *dns,
               gconstpointer result,
               const GError *error,
               gpointer      user_data)
{
  SdCheckReport *report = user_data;
  g_auto(GStrv) tags = NULL;

  report->dmarc_record = sd_pick_record (result, "v=DMARC1", NULL);
  if (report->dmarc_record == NULL)
    return;
  tags = g_strsplit (report->dmarc_record, ";", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_autofree char *tag = g_strstrip (g_strdup (tags[i]));
      if (g_ascii_strncasecmp (tag, "p=", 2) == 0)
        report->dmarc_policy = g_ascii_strdown (g_strstrip (tag + 2), -1);
    }
}

static void
sd_mta_sts_done (SdCheckDns   *dns,
                 gconstpointer result,
                 const GError *error,
                 gpointer      user_data)
{
  SdCheckReport *report = user_data;
  report->mta_sts = sd_pick_record (result, "v=STSv1", NULL);
}

static void
sd_tls_rpt_done (SdCheckDns   *dns,
                 gconstpointer result,
                 const GError *error,
                 gpointer      user_data)
{
  SdCheckReport *report = user_data;
  report->tls_rpt = sd_pick_record (result, "v=TLSRPTv1", NULL);
}

void
_sd_check_sender_start (SdCheckDns    *dns,
                        SdCheckReport *report)
{
  const char *domain = report->from_domain;
  g_autofree char *dmarc = g_strconcat ("_dmarc.", domain, NULL);
  g_autofree char *mta_sts = g_strconcat ("_mta-sts.", domain, NULL);
  g_autofree char *tls_rpt = g_strconcat ("_smtp._tls.", domain, NULL);
  SdSenderState *state = g_new0 (SdSenderState, 1);

  state->report = report;
  sd_spf_fetch (dns, state, NULL, domain);
  _sd_check_dns_records (dns, dmarc, G_RESOLVER_RECORD_TXT, sd_dmarc_done, report);
  _sd_check_dns_records (dns, mta_sts, G_RESOLVER_RECORD_TXT, sd_mta_sts_done, report);
  _sd_check_dns_records (dns, tls_rpt, G_RESOLVER_RECORD_TXT, sd_tls_rpt_done, report);
}

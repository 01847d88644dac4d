/* sd-check.c: the check's options, its report, and the order of its steps
 *
 * DNS first (target, sender domain), then the sweep, then what needs the sweep: this
 * machine's public address as a server saw it, its blocklist entries and its SPF
 * verdict; findings last.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-check-private.h"

G_DEFINE_QUARK (sd-check-error-quark, sd_check_error)

SdCheckOptions *
sd_check_options_new (void)
{
  SdCheckOptions *options = g_new0 (SdCheckOptions, 1);

  options->ports = g_array_new (FALSE, FALSE, sizeof (SdCheckPort));
  sd_check_options_set_ports (options, "25,465,587,2525", NULL);
  options->timeout_s = 10;
  options->blocklists = TRUE;
  options->tls_versions = TRUE;
  return options;
}

void
sd_check_options_free (SdCheckOptions *options)
{
  if (options == NULL)
    return;
  g_free (options->target);
  g_free (options->from_domain);
  g_array_unref (options->ports);
  g_free (options->ehlo_name);
  g_free (options->tls_ca_file);
  g_free (options->dnsbl_file);
  g_free (options);
}

SdCheckOptions *
sd_check_options_copy (const SdCheckOptions *options)
{
  SdCheckOptions *copy = g_memdup2 (options, sizeof *options);

  copy->target = g_strdup (options->target);
  copy->from_domain = g_strdup (options->from_domain);
  copy->ports = g_array_copy (options->ports);
  copy->ehlo_name = g_strdup (options->ehlo_name);
  copy->tls_ca_file = g_strdup (options->tls_ca_file);
  copy->dnsbl_file = g_strdup (options->dnsbl_file);
  return copy;
}

gboolean
sd_check_options_set_ports (SdCheckOptions  *options,
                            const char      *list,
                            GError         **error)
{
  g_auto(GStrv) items = g_strsplit (list, ",", -1);
  g_autoptr(GArray) ports = g_array_new (FALSE, FALSE, sizeof (SdCheckPort));

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_strstrip (items[i]), "/", 2);
      guint64 number = 0;
      SdCheckPort port;

      if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 65535, &number, NULL) ||
          (parts[1] != NULL && !g_str_equal (parts[1], "tls") &&
           !g_str_equal (parts[1], "starttls")))
        {
          g_set_error (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT,
                       /* Translators: %s is what the user typed; keep “/tls”, “/starttls”. */
                       _("“%s” is not a port (1-65535, optionally with /tls or /starttls)"),
                       items[i]);
          return FALSE;
        }
      port.port = number;
      if (parts[1] != NULL)
        port.security = g_str_equal (parts[1], "tls") ? SD_SECURITY_TLS
                                                       : SD_SECURITY_STARTTLS_OPTIONAL;
      else
        port.security = number == 465 ? SD_SECURITY_TLS : SD_SECURITY_STARTTLS_OPTIONAL;
      g_array_append_val (ports, port);
    }
  g_array_unref (options->ports);
  options->ports = g_steal_pointer (&ports);
  return TRUE;
}

static void
sd_check_host_free (SdCheckHost *host)
{
  g_free (host->name);
  g_ptr_array_unref (host->addresses);
  g_free (host->error);
  g_free (host);
}

static void
sd_check_ptr_free (SdCheckPtr *ptr)
{
  g_free (ptr->address);
  g_free (ptr->name);
  g_free (ptr->error);
  g_free (ptr);
}

static void
sd_check_blocklist_free (SdCheckBlocklist *entry)
{
  g_free (entry->zone);
  g_free (entry->name);
  g_free (entry->removal);
  g_free (entry->address);
  g_free (entry->answer);
  g_free (entry);
}

SdCheckReport *
sd_check_report_new (const char *target)
{
  SdCheckReport *report = g_new0 (SdCheckReport, 1);

  report->target = g_strdup (target);
  report->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_check_host_free);
  report->ptrs = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_check_ptr_free);
  report->blocklists = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_check_blocklist_free);
  report->probes = g_ptr_array_new_with_free_func ((GDestroyNotify) _sd_check_probe_free);
  report->findings = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);
  return report;
}

void
sd_check_report_free (SdCheckReport *report)
{
  if (report == NULL)
    return;
  g_free (report->target);
  g_free (report->mx_error);
  g_ptr_array_unref (report->hosts);
  g_ptr_array_unref (report->ptrs);
  g_free (report->from_domain);
  g_free (report->spf_record);
  g_clear_pointer (&report->spf, sd_spf_free);
  g_free (report->dmarc_record);
  g_free (report->dmarc_policy);
  g_free (report->mta_sts);
  g_free (report->tls_rpt);
  g_free (report->public_address);
  g_free (report->public_address_source);
  g_ptr_array_unref (report->blocklists);
  g_ptr_array_unref (report->probes);
  g_ptr_array_unref (report->findings);
  g_free (report);
}

static gint
sd_check_host_compare (gconstpointer a,
                       gconstpointer b)
{
  const SdCheckHost *x = *(SdCheckHost **) a, *y = *(SdCheckHost **) b;
  if (x->preference != y->preference)
    return x->preference < y->preference ? -1 : 1;
  return g_ascii_strcasecmp (x->name, y->name);
}

static gboolean
sd_check_validate (const SdCheckOptions  *options,
                   GError               **error)
{
  const char *names[] = { options->target, options->from_domain };

  if (options->target == NULL || *options->target == '\0')
    {
      g_set_error_literal (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT,
                           _("No domain or server to check"));
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i] != NULL && (strpbrk (names[i], " \t\r\n/@") != NULL || *names[i] == '\0'))
      {
        g_set_error (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT,
                     /* Translators: %s is what the user typed. */
                     _("“%s” is not a domain, host name or address"), names[i]);
        return FALSE;
      }
  if (options->ports->len == 0)
    {
      g_set_error_literal (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT,
                           _("No port to check"));
      return FALSE;
    }
  return TRUE;
}

/* After the sweep: what this machine looks like from outside. */
static void
sd_check_public_address (const SdCheckOptions *options,
                         SdCheckReport        *report,
                         GCancellable         *cancellable)
{
  g_autoptr(SdCheckDns) dns = _sd_check_dns_new (options->timeout_s, cancellable);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  report->public_address = _sd_check_public_address (report, &report->public_address_source);
  if (report->public_address != NULL && report->spf != NULL)
    report->spf_verdict = g_strdup (sd_spf_judge (report->spf, report->public_address));
  if (report->public_address != NULL && options->blocklists)
    g_ptr_array_add (addresses, g_strdup (report->public_address));
  if (options->blocklist_servers)
    for (guint i = 0; i < report->ptrs->len; i++)
      g_ptr_array_add (addresses, g_strdup (((SdCheckPtr *) report->ptrs->pdata[i])->address));
  if (addresses->len == 0)
    return;
  if (!_sd_check_dnsbl_start (dns, report, options->dnsbl_file, addresses, &error))
    g_warning ("%s", error->message);
  _sd_check_dns_wait (dns);
}

SdCheckReport *
sd_check_run (const SdCheckOptions  *options,
              GCancellable          *cancellable,
              GError               **error)
{
  g_autoptr(SdCheckReport) report = NULL;
  gint64 t0 = g_get_monotonic_time ();

  if (!sd_check_validate (options, error))
    return NULL;
  report = sd_check_report_new (options->target);
  report->from_domain = g_strdup (options->from_domain);
  {
    g_autoptr(SdCheckDns) dns = _sd_check_dns_new (options->timeout_s, cancellable);
    _sd_check_target_start (dns, report);
    if (report->from_domain != NULL)
      _sd_check_sender_start (dns, report);
    _sd_check_dns_wait (dns);
  }
  g_ptr_array_sort (report->hosts, sd_check_host_compare);

  if (!g_cancellable_is_cancelled (cancellable))
    _sd_check_sweep (options, report, cancellable);
  if (!g_cancellable_is_cancelled (cancellable))
    sd_check_public_address (options, report, cancellable);
  _sd_check_findings_build (report);
  report->elapsed_us = g_get_monotonic_time () - t0;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
sd_check_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  SdCheckReport *report = sd_check_run (task_data, cancellable, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) sd_check_report_free);
}

void
sd_check_run_async (const SdCheckOptions *options,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sd_check_run_async);
  g_task_set_task_data (task, sd_check_options_copy (options),
                        (GDestroyNotify) sd_check_options_free);
  g_task_run_in_thread (task, sd_check_thread);
}

SdCheckReport *
sd_check_run_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
sd_check_outcome_to_string (SdCheckOutcome outcome)
{
  static const char *const names[SD_CHECK_N_OUTCOMES] = {
    "ok", "refused", "timeout", "no-greeting", "closed", "rejected", "ehlo-refused",
    "starttls-refused", "tls-failed", "tls-at-once", "plain-on-tls", "error",
  };
  g_return_val_if_fail (outcome < SD_CHECK_N_OUTCOMES, "error");
  return names[outcome];
}

const char *
sd_check_outcome_to_label (SdCheckOutcome outcome)
{
  /* One word per matrix cell; the tooltip and the findings say the rest. */
  static const char *const labels[SD_CHECK_N_OUTCOMES] = {
    N_("OK"), N_("refused"), N_("timeout"), N_("silent"), N_("closed"), N_("rejected"),
    N_("EHLO refused"), N_("STARTTLS refused"), N_("TLS failed"), N_("TLS at once"),
    N_("plain"), N_("error"),
  };
  g_return_val_if_fail (outcome < SD_CHECK_N_OUTCOMES, _("error"));
  return _(labels[outcome]);
}

const char *
sd_check_listing_to_string (SdCheckListing listing)
{
  switch (listing)
    {
    case SD_CHECK_LISTING_NOT_LISTED: return "not-listed";
    case SD_CHECK_LISTING_LISTED:     return "listed";
    case SD_CHECK_LISTING_TIMEOUT:    return "timeout";
    case SD_CHECK_LISTING_ERROR:
    default:                          return "error";
    }
}

/* The exit code of a probe's failure, as `send` would give it. */
static int
sd_check_probe_exit_code (const SdCheckProbe *probe)
{
  switch (probe->outcome)
    {
    case SD_CHECK_OUTCOME_OK:
      return 0;
    case SD_CHECK_OUTCOME_REFUSED:
      return 2;
    case SD_CHECK_OUTCOME_STARTTLS_REFUSED:
    case SD_CHECK_OUTCOME_TLS_FAILED:
      return 3;
    case SD_CHECK_OUTCOME_REJECTED:
    case SD_CHECK_OUTCOME_EHLO_REFUSED:
      return 5;
    case SD_CHECK_OUTCOME_TIMEOUT:
    case SD_CHECK_OUTCOME_NO_GREETING:
      return 6;
    case SD_CHECK_OUTCOME_CLOSED:
    case SD_CHECK_OUTCOME_TLS_AT_ONCE:
    case SD_CHECK_OUTCOME_PLAIN_ON_TLS:
    case SD_CHECK_OUTCOME_ERROR:
    case SD_CHECK_N_OUTCOMES:
    default:
      return 7;
    }
}

int
sd_check_report_exit_code (const SdCheckReport *report)
{
  int worst = 0;

  if (report->hosts->len == 0)
    return 2;
  for (guint h = 0; h < report->hosts->len; h++)
    {
      const SdCheckHost *host = report->hosts->pdata[h];
      gboolean works = FALSE;
      int host_worst = host->addresses->len == 0 ? 2 : 0;

      for (guint i = 0; i < report->probes->len; i++)
        {
          const SdCheckProbe *probe = report->probes->pdata[i];
          if (!g_str_equal (probe->host, host->name))
            continue;
          if (probe->outcome == SD_CHECK_OUTCOME_OK ||
              probe->outcome == SD_CHECK_OUTCOME_TLS_AT_ONCE ||
              probe->outcome == SD_CHECK_OUTCOME_PLAIN_ON_TLS)
            works = TRUE;
          else
            host_worst = MAX (host_worst, sd_check_probe_exit_code (probe));
        }
      if (!works)
        worst = MAX (worst, host_worst > 0 ? host_worst : 2);
    }
  return worst;
}

/* sd-check-target.c: from what the user typed to the servers and their addresses
 *
 * A domain's MX hosts by preference; without MX, the domain itself (RFC 5321 5.1); a
 * null MX "0 ." (RFC 7505) means no mail at all. Each host's A and AAAA, and for each
 * address its PTR and whether that name resolves back (FCrDNS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-check-private.h"

typedef struct {
  SdCheckReport *report;
  SdCheckHost   *host;
} SdHostLookup;

static SdCheckHost *
sd_check_host_new (const char *name,
                   guint       preference)
{
  SdCheckHost *host = g_new0 (SdCheckHost, 1);
  host->name = g_strdup (name);
  host->preference = preference;
  host->addresses = g_ptr_array_new_with_free_func (g_free);
  return host;
}

static void
sd_forward_done (SdCheckDns   *dns,
                 gconstpointer result,
                 const GError *error,
                 gpointer      user_data)
{
  SdCheckPtr *ptr = user_data;
  g_autoptr(GInetAddress) wanted = g_inet_address_new_from_string (ptr->address);

  for (const GList *l = result; l != NULL; l = l->next)
    if (g_inet_address_equal (l->data, wanted))
      ptr->forward_match = TRUE;
}

static void
sd_ptr_done (SdCheckDns   *dns,
             gconstpointer result,
             const GError *error,
             gpointer      user_data)
{
  SdCheckPtr *ptr = user_data;

  if (error != NULL)
    {
      ptr->error = g_strdup (error->message);
      return;
    }
  ptr->name = g_strdup (result);
  _sd_check_dns_by_name (dns, ptr->name, sd_forward_done, ptr);
}

static void
sd_check_add_address (SdCheckDns    *dns,
                      SdCheckReport *report,
                      SdCheckHost   *host,
                      const char    *address)
{
  SdCheckPtr *ptr;

  g_ptr_array_add (host->addresses, g_strdup (address));
  for (guint i = 0; i < report->ptrs->len; i++)
    if (g_str_equal (((SdCheckPtr *) report->ptrs->pdata[i])->address, address))
      return;
  ptr = g_new0 (SdCheckPtr, 1);
  ptr->address = g_strdup (address);
  g_ptr_array_add (report->ptrs, ptr);
  _sd_check_dns_by_address (dns, address, sd_ptr_done, ptr);
}

static void
sd_addresses_done (SdCheckDns   *dns,
                   gconstpointer result,
                   const GError *error,
                   gpointer      user_data)
{
  g_autofree SdHostLookup *lookup = user_data;

  if (error != NULL)
    {
      lookup->host->error = g_strdup (error->message);
      return;
    }
  for (const GList *l = result; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);
      sd_check_add_address (dns, lookup->report, lookup->host, text);
    }
}

static void
sd_check_add_host (SdCheckDns    *dns,
                   SdCheckReport *report,
                   const char    *name,
                   guint          preference)
{
  SdHostLookup *lookup = g_new0 (SdHostLookup, 1);

  lookup->report = report;
  lookup->host = sd_check_host_new (name, preference);
  g_ptr_array_add (report->hosts, lookup->host);
  _sd_check_dns_by_name (dns, name, sd_addresses_done, lookup);
}

static void
sd_mx_done (SdCheckDns   *dns,
            gconstpointer result,
            const GError *error,
            gpointer      user_data)
{
  SdCheckReport *report = user_data;

  if (error != NULL && !g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
    report->mx_error = g_strdup (error->message);
  for (const GList *l = result; l != NULL; l = l->next)
    {
      const char *name;
      g_variant_get (l->data, "(q&s)", NULL, &name);
      report->has_mx = TRUE;
      /* A null MX stands alone (RFC 7505 3): nothing else is tried. */
      if (*name == '\0' || g_str_equal (name, "."))
        report->null_mx = TRUE;
    }
  for (const GList *l = result; l != NULL && !report->null_mx; l = l->next)
    {
      guint16 preference;
      const char *name;
      g_variant_get (l->data, "(q&s)", &preference, &name);
      sd_check_add_host (dns, report, name, preference);
    }
  /* A domain without MX takes mail at its own address (RFC 5321 5.1). */
  if (!report->has_mx && report->mx_error == NULL)
    sd_check_add_host (dns, report, report->target, 0);
}

void
_sd_check_target_start (SdCheckDns    *dns,
                        SdCheckReport *report)
{
  g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (report->target);

  if (literal != NULL)
    {
      SdCheckHost *host = sd_check_host_new (report->target, 0);
      report->target_is_address = TRUE;
      g_ptr_array_add (report->hosts, host);
      sd_check_add_address (dns, report, host, report->target);
      return;
    }
  _sd_check_dns_records (dns, report->target, G_RESOLVER_RECORD_MX, sd_mx_done, report);
}

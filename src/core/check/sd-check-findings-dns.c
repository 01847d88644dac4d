/* sd-check-findings-dns.c: findings from DNS: MX, PTR, SPF, DMARC, blocklists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-check-private.h"

void
_sd_check_find_mx (SdCheckReport *report)
{
  SdHint *hint;

  if (report->target_is_address)
    return;
  if (report->null_mx)
    {
      hint = sd_hint_new ("null-mx", SD_HINT_ERROR, 100,
        _("The domain accepts no mail (null MX “0 .”)"),
        _("Its MX record says on purpose that no server takes mail for it (RFC 7505). Mail to "
          "it bounces at once."));
      sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
        _("If the domain should receive mail, replace the null MX with MX records naming its "
          "mail servers."), NULL);
      g_ptr_array_add (report->findings, hint);
    }
  else if (report->mx_error != NULL)
    {
      hint = sd_hint_new ("mx-lookup-failed", SD_HINT_ERROR, 95,
        _("The MX records could not be looked up"), report->mx_error);
      sd_hint_add_fix (hint, "network", _("Network / firewall"),
        _("Check this machine's DNS servers (ipconfig /all, resolvectl status) and that they "
          "answer for public names."), NULL);
      g_ptr_array_add (report->findings, hint);
    }
  else if (!report->has_mx)
    {
      hint = sd_hint_new ("no-mx", SD_HINT_WARNING, 40,
        _("No MX record: mail goes to the domain's own address"),
        _("Without MX records senders use the A/AAAA address of the name itself (RFC 5321 "
          "5.1). That works for a host name; for a mail domain publish MX records."));
      sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
        _("Add an MX record for the domain naming the mail server's host name."), NULL);
      g_ptr_array_add (report->findings, hint);
    }
  for (guint i = 0; i < report->hosts->len; i++)
    {
      SdCheckHost *host = report->hosts->pdata[i];
      if (host->addresses->len > 0)
        continue;
      hint = sd_hint_new ("mx-host-no-address", SD_HINT_ERROR, 90,
        _("A mail server's name has no address"),
        _("The MX record names a host that has no A or AAAA record, so nobody can deliver "
          "to it."));
      _sd_check_finding_add_evidence (hint, "%s: %s", host->name,
                                      host->error ? host->error : "");
      sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
        _("Publish an A (and AAAA) record for that host, or point the MX at a host that has "
          "one."), NULL);
      g_ptr_array_add (report->findings, hint);
    }
}

void
_sd_check_find_ptr (SdCheckReport *report)
{
  g_autoptr(SdHint) hint = NULL;

  for (guint i = 0; i < report->ptrs->len; i++)
    {
      SdCheckPtr *ptr = report->ptrs->pdata[i];
      if (ptr->name != NULL && ptr->forward_match)
        continue;
      if (hint == NULL)
        hint = sd_hint_new ("server-ptr", SD_HINT_WARNING, 30,
          _("A server address has no matching reverse DNS (PTR)"),
          _("Receivers check that a sending server's address has a PTR name that resolves "
            "back to it (FCrDNS); without it mail from that server is often refused or "
            "marked as spam."));
      if (ptr->name == NULL)
        /* Translators: an IP address. */
        _sd_check_finding_add_evidence (hint, _("%s: no PTR record"), ptr->address);
      else
        /* Translators: an IP address, then a host name. */
        _sd_check_finding_add_evidence (hint, _("%s: PTR %s does not resolve back to it"),
                                        ptr->address, ptr->name);
    }
  if (hint == NULL)
    return;
  sd_hint_add_fix (hint, "network", _("Network / firewall"),
    _("Ask whoever owns the address (the ISP or hosting provider) to set its PTR to the "
      "server's host name, and make sure that name has an A/AAAA record with this address."),
    NULL);
  g_ptr_array_add (report->findings, g_steal_pointer (&hint));
}

void
_sd_check_find_spf (SdCheckReport *report)
{
  SdHint *hint = NULL;
  guint lookups;

  if (report->from_domain == NULL)
    return;
  if (report->spf_record == NULL)
    hint = sd_hint_new ("spf-missing", SD_HINT_WARNING, 50,
      _("The sender domain publishes no SPF record"),
      _("Receivers cannot tell which servers may send for the domain; Gmail and Microsoft "
        "refuse or junk such mail."));
  else if (report->spf_records_found > 1)
    hint = sd_hint_new ("spf-multiple", SD_HINT_ERROR, 70,
      _("The sender domain publishes more than one SPF record"),
      _("Two “v=spf1” TXT records are a permanent error (RFC 7208 4.5): receivers treat the "
        "domain as if it had a broken SPF."));
  else if (report->spf != NULL && (lookups = sd_spf_count_lookups (report->spf)) > SD_SPF_MAX_LOOKUPS)
    {
      /* Translators: %u is a number of DNS lookups, more than 10. */
      g_autofree char *title = g_strdup_printf (_("The SPF record needs %u DNS lookups; "
                                                  "the limit is 10"), lookups);
      hint = sd_hint_new ("spf-too-many-lookups", SD_HINT_ERROR, 70, title,
        _("Receivers stop at 10 lookups (include, a, mx, ptr, exists, redirect, counted through "
          "every include) and treat the record as a permanent error: SPF fails for all mail."));
    }
  else if (report->spf_verdict != NULL && (g_str_equal (report->spf_verdict, "fail") ||
                                           g_str_equal (report->spf_verdict, "softfail")))
    {
      hint = sd_hint_new ("spf-not-authorized", SD_HINT_ERROR, 75,
        _("The sender domain's SPF does not allow this machine's public address"),
        _("Mail sent from here directly with this sender domain fails SPF at the receiver."));
      /* Translators: an IP address, then an SPF result such as “fail”. */
      _sd_check_finding_add_evidence (hint, _("%s: SPF %s"), report->public_address,
                                      report->spf_verdict);
    }
  if (hint == NULL)
    return;
  if (report->spf_record != NULL)
    _sd_check_finding_add_evidence (hint, "%s", report->spf_record);
  sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
    _("Publish one TXT record “v=spf1 …” at the domain naming every server that sends for it "
      "(ip4:/ip6: for your own, include: for providers), ending in “-all” or “~all”."), NULL);
  g_ptr_array_add (report->findings, hint);
}

void
_sd_check_find_dmarc (SdCheckReport *report)
{
  SdHint *hint;

  if (report->from_domain == NULL || report->dmarc_record != NULL)
    return;
  hint = sd_hint_new ("dmarc-missing", SD_HINT_WARNING, 45,
    _("The sender domain publishes no DMARC record"),
    _("Gmail and Yahoo require DMARC from bulk senders since 2024; without it anyone can use "
      "the domain in From: and you get no reports about it."));
  sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
    _("Publish a TXT record at _dmarc.DOMAIN: “v=DMARC1; p=none; rua=mailto:…”, then move to "
      "p=quarantine or p=reject once the reports are clean."), NULL);
  g_ptr_array_add (report->findings, hint);
}

void
_sd_check_find_blocklists (SdCheckReport *report)
{
  g_autoptr(SdHint) hint = NULL;

  for (guint i = 0; i < report->blocklists->len; i++)
    {
      SdCheckBlocklist *entry = report->blocklists->pdata[i];
      if (entry->listing != SD_CHECK_LISTING_LISTED)
        continue;
      if (hint == NULL)
        hint = sd_hint_new ("blocklisted", SD_HINT_ERROR, 90,
          _("An address is on a DNS blocklist"),
          _("Receivers that use the list refuse mail from the address (often “554 5.7.1 … "
            "blocked using …”)."));
      /* Translators: an IP address, a blocklist's name, its answer, its removal page. */
      _sd_check_finding_add_evidence (hint, _("%s is listed on %s (%s); removal: %s"),
                                      entry->address, entry->name, entry->answer,
                                      entry->removal);
    }
  if (hint == NULL)
    return;
  sd_hint_add_fix (hint, "generic", _("Any server / the sending application"),
    _("Find and stop the cause (an infected machine, an open relay, a compromised account), "
      "then ask for removal on the list's page shown above."),
    _("Send through a smarthost or your provider's relay until the listing is gone."), NULL);
  g_ptr_array_add (report->findings, g_steal_pointer (&hint));
}

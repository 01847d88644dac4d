/* sd-check-findings.c: what a check's facts mean, as hints an admin can act on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-check-private.h"

/* A greeting later than this is a tarpit (or a struggling server), not a slow network. */
#define SD_TARPIT_US (3 * G_USEC_PER_SEC)

void
_sd_check_finding_add_evidence (SdHint     *hint,
                                const char *format,
                                ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (hint->evidence, g_strdup_vprintf (format, args));
  va_end (args);
}

/* --- this machine's public address ------------------------------------------------ */

static char *
sd_address_in_line (const char *line)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\]", 0, 0,
                                                    NULL));
  if (!g_regex_match (regex, line, 0, &match))
    return NULL;
  {
    g_autofree char *text = g_match_info_fetch (match, 1);
    g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);
    if (address == NULL || g_inet_address_get_is_loopback (address))
      return NULL;
    return g_steal_pointer (&text);
  }
}

char *
_sd_check_public_address (const SdCheckReport  *report,
                          char                **source_line)
{
  /* Exchange: "250-mx.example.com Hello [192.0.2.7]"; Gmail: "… at your service,
   * [192.0.2.7]"; some greetings name the client too. */
  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      if (probe->report == NULL)
        continue;
      for (guint e = 0; e < probe->report->events->len; e++)
        {
          const SdEvent *event = probe->report->events->pdata[e];
          char *address;
          if (event->direction != SD_DIRECTION_RECEIVED ||
              (event->stage != SD_STAGE_EHLO && event->stage != SD_STAGE_GREETING))
            continue;
          address = sd_address_in_line (event->text);
          if (address != NULL)
            {
              *source_line = g_strdup (event->text);
              return address;
            }
        }
    }
  return NULL;
}

/* --- sweep findings --------------------------------------------------------------- */

static gboolean
sd_probe_connected (const SdCheckProbe *probe)
{
  return probe->outcome != SD_CHECK_OUTCOME_TIMEOUT && probe->outcome != SD_CHECK_OUTCOME_REFUSED &&
         probe->outcome != SD_CHECK_OUTCOME_ERROR;
}

/* Timeouts on 25 while another port of the same or another server answers: the path
 * from here drops port 25 (ISPs and corporate firewalls block it outbound). */
static void
sd_find_port25 (SdCheckReport *report)
{
  g_autoptr(SdHint) hint = NULL;
  guint timeouts = 0;
  gboolean other_answers = FALSE, p25_answers = FALSE;

  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      if (probe->port == 25 && probe->outcome == SD_CHECK_OUTCOME_TIMEOUT)
        timeouts++;
      else if (probe->port == 25 && sd_probe_connected (probe))
        p25_answers = TRUE;
      else if (probe->port != 25 && sd_probe_connected (probe))
        other_answers = TRUE;
    }
  if (timeouts == 0 || p25_answers || !other_answers)
    return;
  hint = sd_hint_new ("outbound-port-25-blocked", SD_HINT_ERROR, 95,
    _("Outbound port 25 seems blocked from this machine"),
    _("Connections to port 25 time out while other ports of the mail servers answer. "
      "Internet providers and corporate firewalls often drop outbound port 25 so that only "
      "the mail server may use it."));
  /* Translators: %u is a number of server addresses. */
  _sd_check_finding_add_evidence (hint, _("port 25 timed out on %u address(es); other ports "
                                          "answered"), timeouts);
  sd_hint_add_fix (hint, "network", _("Network / firewall"),
    _("Allow outbound TCP 25 from this machine to the mail server in the firewall, or ask the "
      "provider to unblock it."),
    _("Or send through submission (587 with STARTTLS, 465 with TLS) with authentication, "
      "which providers do not block."), NULL);
  g_ptr_array_add (report->findings, g_steal_pointer (&hint));
}

/* One finding listing every probe for which @test holds. */
static void
sd_find_each (SdCheckReport *report,
              gboolean     (*test) (const SdCheckProbe *probe),
              SdHint        *hint,
              const char    *product,
              const char    *label,
              const char    *fix)
{
  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      if (test (probe))
        {
          g_autofree char *line = probe->detail ? g_strdup (probe->detail)
                                                : g_strdup (probe->report ? probe->report->banner : NULL);
          /* Translators: a host, an address, a port, then what happened. */
          _sd_check_finding_add_evidence (hint, _("%s (%s) port %u: %s"), probe->host,
                                          probe->address, probe->port, line ? line : "");
        }
    }
  if (hint->evidence->len == 0)
    {
      sd_hint_free (hint);
      return;
    }
  sd_hint_add_fix (hint, product, label, fix, NULL);
  g_ptr_array_add (report->findings, hint);
}

static gboolean
sd_no_starttls (const SdCheckProbe *probe)
{
  return probe->outcome == SD_CHECK_OUTCOME_OK && probe->security != SD_SECURITY_TLS &&
         probe->report->tls == NULL && probe->report->caps_before_tls != NULL &&
         !probe->report->caps_before_tls->starttls;
}

static gboolean
sd_auth_before_tls (const SdCheckProbe *probe)
{
  const SdCapabilities *caps = probe->report ? probe->report->caps_before_tls : NULL;
  return probe->security != SD_SECURITY_TLS && caps != NULL && caps->auth->len > 0;
}

static gboolean
sd_tarpit (const SdCheckProbe *probe)
{
  return probe->greeting_us >= SD_TARPIT_US;
}

static gboolean
sd_wrong_kind (const SdCheckProbe *probe)
{
  return probe->outcome == SD_CHECK_OUTCOME_TLS_AT_ONCE ||
         probe->outcome == SD_CHECK_OUTCOME_PLAIN_ON_TLS;
}

static gboolean
sd_cert_not_verified (const SdCheckProbe *probe)
{
  return probe->report != NULL && probe->report->tls != NULL && !probe->report->tls->verified;
}

static gboolean
sd_old_tls (const SdCheckProbe *probe)
{
  return probe->tls_versions[0] == SD_CHECK_TLS_ACCEPTED ||
         probe->tls_versions[1] == SD_CHECK_TLS_ACCEPTED;
}

static gboolean
sd_no_old_tls (const SdCheckProbe *probe)
{
  return probe->tls_versions[0] == SD_CHECK_TLS_REFUSED &&
         probe->tls_versions[1] == SD_CHECK_TLS_REFUSED &&
         probe->tls_versions[2] == SD_CHECK_TLS_ACCEPTED;
}

static void
sd_find_sweep (SdCheckReport *report)
{
  const char *generic = _("Any server / the sending application");

  sd_find_each (report, sd_no_starttls,
    sd_hint_new ("check-starttls-not-offered", SD_HINT_WARNING, 60,
      _("STARTTLS is not offered"),
      _("The server's EHLO reply lists no STARTTLS: mail and passwords cross the network in "
        "clear text, and senders that require TLS cannot deliver.")),
    "generic", generic,
    _("Enable STARTTLS with a certificate for the server's name (Exchange: the receive "
      "connector's TLS setting and an assigned certificate; Postfix: smtpd_tls_cert_file, "
      "smtpd_tls_security_level = may)."));
  sd_find_each (report, sd_auth_before_tls,
    sd_hint_new ("check-auth-before-tls", SD_HINT_WARNING, 55,
      _("AUTH is offered before TLS"),
      _("The server offers to take passwords on an unencrypted connection.")),
    "generic", generic,
    _("Offer AUTH only after STARTTLS (Exchange: “Offer basic authentication only after "
      "starting TLS”; Postfix: smtpd_tls_auth_only = yes)."));
  sd_find_each (report, sd_tarpit,
    sd_hint_new ("greeting-delay", SD_HINT_WARNING, 50,
      _("The greeting comes seconds late (tarpit or overloaded server)"),
      _("The server waited several seconds before its 220 greeting, as tarpits and "
        "anti-spam delays (Postfix postscreen, Exchange tarpitting) do. Clients with short "
        "timeouts give up.")),
    "generic", generic,
    _("Exempt your own senders from the delay, or raise the application's connection "
      "timeout above the measured delay."));
  sd_find_each (report, sd_wrong_kind,
    sd_hint_new ("port-security-mismatch", SD_HINT_WARNING, 65,
      _("A port speaks another kind of security than its number suggests"),
      _("Implicit TLS answers where STARTTLS was expected, or a plain greeting where "
        "implicit TLS was: clients set for the usual mode of that port fail.")),
    "generic", generic,
    _("Set the application's security to what the port speaks (the matrix shows it), or "
      "change the server's port configuration."));
  sd_find_each (report, sd_cert_not_verified,
    sd_hint_new ("check-certificate-not-verified", SD_HINT_WARNING, 45,
      _("The server's certificate does not verify from here"),
      _("Applications that check certificates (most do by default) refuse to connect.")),
    "generic", generic,
    _("Install a certificate from a public CA (or your own CA, trusted on the clients) for the "
      "name the clients use, with its intermediate certificates."));
  sd_find_each (report, sd_old_tls,
    sd_hint_new ("tls-old-versions-accepted", SD_HINT_INFO, 20,
      _("The server still accepts TLS 1.0 or 1.1"),
      _("Old devices (copiers, scanners) that only speak TLS 1.0 can still connect; these "
        "versions are deprecated (RFC 8996).")),
    "generic", generic,
    _("Keep them only while such devices need them; the matrix shows which versions each "
      "port takes."));
  sd_find_each (report, sd_no_old_tls,
    sd_hint_new ("tls-old-versions-refused", SD_HINT_INFO, 25,
      _("The server refuses TLS 1.0 and 1.1"),
      _("Devices that only speak TLS 1.0 or 1.1 (older copiers and scanners) cannot use TLS "
        "with this server.")),
    "generic", generic,
    _("Update the device's firmware, or let it send through a relay that still accepts its "
      "TLS version."));
}

static gboolean
sd_host_works (const SdCheckReport *report,
               const SdCheckHost   *host)
{
  for (guint i = 0; i < report->probes->len; i++)
    {
      const SdCheckProbe *probe = report->probes->pdata[i];
      if (g_str_equal (probe->host, host->name) &&
          (probe->outcome == SD_CHECK_OUTCOME_OK || sd_wrong_kind (probe)))
        return TRUE;
    }
  return FALSE;
}

static void
sd_find_unreachable (SdCheckReport *report)
{
  g_autoptr(SdHint) hint = NULL;

  for (guint h = 0; h < report->hosts->len; h++)
    {
      const SdCheckHost *host = report->hosts->pdata[h];
      if (host->addresses->len == 0 || sd_host_works (report, host))
        continue;
      if (hint == NULL)
        hint = sd_hint_new ("server-unreachable", SD_HINT_ERROR, 92,
          _("A mail server has no working port from here"),
          _("No port of the server completed a greeting and EHLO: mail from this machine to "
            "it cannot be delivered. The matrix shows what each port did."));
      _sd_check_finding_add_evidence (hint, "%s", host->name);
    }
  if (hint == NULL)
    return;
  sd_hint_add_fix (hint, "network", _("Network / firewall"),
    _("Check the firewalls on both sides for the ports in the matrix, and that the mail "
      "service runs on the server."), NULL);
  g_ptr_array_add (report->findings, g_steal_pointer (&hint));
}

static gint
sd_finding_compare (gconstpointer a,
                    gconstpointer b)
{
  const SdHint *x = *(SdHint **) a, *y = *(SdHint **) b;
  if (x->severity != y->severity)
    return x->severity < y->severity ? -1 : 1;
  return x->score > y->score ? -1 : x->score < y->score ? 1 : 0;
}

void
_sd_check_findings_build (SdCheckReport *report)
{
  _sd_check_find_mx (report);
  _sd_check_find_ptr (report);
  _sd_check_find_spf (report);
  _sd_check_find_dmarc (report);
  _sd_check_find_blocklists (report);
  sd_find_unreachable (report);
  sd_find_port25 (report);
  _sd_check_middlebox_find (report, report->findings);
  sd_find_sweep (report);
  g_ptr_array_sort (report->findings, sd_finding_compare);
}

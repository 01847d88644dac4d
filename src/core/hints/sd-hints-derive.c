/* sd-hints-derive.c: facts a pasted text shows only as a whole
 *
 * One line says "Connection timed out"; the text as a whole can say more: the same
 * failure to port 25 of several mail servers while port 587 answers (this network
 * blocks port 25), a lookup failing for several unrelated names (the resolver is down,
 * not one name mistyped), port 465 set up with STARTTLS (that port speaks TLS at once).
 * Rules name these causes through the facts set here; no single fragment could.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"

typedef struct {
  GRegex *connect25_failed;  /* a connection to port 25 that failed, and its host */
  GRegex *submission_ok;     /* a connection to 587/465 (or a ping) that worked */
  GRegex *name_failed;       /* a name lookup that failed, and the name */
  GRegex *tnc_port25;        /* Test-NetConnection's block: RemotePort 25 */
  GRegex *tnc_failed;
  GRegex *tls_on_plain;      /* a TLS client that met plain text */
  GRegex *address_lookup;    /* Postfix: the recipient's domain, the name looked up */
} SdDeriveRegexes;

static const SdDeriveRegexes *
sd_derive_regexes (void)
{
  static gsize once = 0;
  static SdDeriveRegexes r;

  if (g_once_init_enter (&once))
    {
      /* Postfix "connect to mx.example.com[198.51.100.4]:25: Connection timed out", a
       * client's "connect to host mx.example.com port 25: ...", Java's "host, 25;". */
      r.connect25_failed = g_regex_new (
          "(?:connect(?:ing)? to (?:host )?|host:? )(?<host>[\\w.-]+\\.[a-z]{2,}|\\d+\\.\\d+\\.\\d+\\.\\d+)"
          "(?:\\[[^\\]]*\\])?(?::| port |, )25\\b.*?"
          "(?:timed out|refused|unreachable|no route|10060|10061|ETIMEDOUT|ECONNREFUSED)",
          G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      r.submission_ok = g_regex_new (
          "\\b(?:587|465)\\b.*\\b(?:succeeded|open|connected)\\b|"
          "\\bConnected to \\S+ \\(\\S+\\) port (?:587|465)\\b",
          G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      /* hMailServer's "DNS query failed. Query: example.fr", Postfix's "Name service
       * error for name=gmail.com", Resolve-DnsName's "name : ...", a client's lookup. */
      r.name_failed = g_regex_new (
          "(?:Query: |name=|Resolve-DnsName : |Name resolution of |resolve |lookup (?:of |for )?|"
          "getaddrinfo\\S* |ENOTFOUND |EAI_AGAIN |UnknownHostException: )"
          "(?<host>[a-z0-9][\\w-]*(?:\\.[\\w-]+)+)\\b.*?"
          "(?:failed|error|not found|timed? ?out|timeout|expired|try again|\\b9002\\b|EAI_AGAIN|"
          "ENOTFOUND|UnknownHost|temporary failure)",
          G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      r.tnc_port25 = g_regex_new ("^RemotePort\\s*:\\s*25$", G_REGEX_OPTIMIZE, 0, NULL);
      r.tnc_failed = g_regex_new ("^TcpTestSucceeded\\s*:\\s*False$|"
                                  "^WARNING: TCP connect to \\(\\S+ : 25\\) failed",
                                  G_REGEX_OPTIMIZE, 0, NULL);
      r.tls_on_plain = g_regex_new ("wrong version number|unknown protocol|packet length too long|"
                                    "unsupported or unrecognized ssl message|"
                                    "Unrecognized SSL message",
                                    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      r.address_lookup = g_regex_new ("\\bto=<[^@>]*@(?<domain>[^>]+)>.*\\bname=(?<name>[^\\s]+) type=A{1,4}:",
                                      G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&once, 1);
    }
  return &r;
}

static gboolean
sd_is_loopback (const char *host)
{
  return g_ascii_strcasecmp (host, "localhost") == 0 || g_str_has_prefix (host, "127.");
}

/* "mx2.example.org" -> "example.org": two mail servers of one domain are one
 * destination (for names, so "example.co.uk" counts as "co.uk": still one). Addresses
 * stay whole. (transfer full) */
static char *
sd_domain_of (const char *host)
{
  g_autofree char *lower = g_ascii_strdown (host, -1);
  const char *last = strrchr (lower, '.');
  const char *cut = lower;

  if (last == NULL || g_ascii_isdigit (last[1]))
    return g_steal_pointer (&lower);
  for (const char *p = lower; p < last; p++)
    if (*p == '.')
      cut = p + 1;
  return g_strdup (cut);
}

/* The named group "host" of every line @regex matches, folded, in @hosts; the first
 * such line is returned (transfer none). */
static const char *
sd_collect_hosts (const SdHintInput *input,
                  GRegex            *regex,
                  GHashTable        *hosts)
{
  const char *first = NULL;

  for (guint l = 0; l < input->lines->len; l++)
    {
      const char *line = input->lines->pdata[l];
      g_autoptr(GMatchInfo) match = NULL;

      if (!g_regex_match (regex, line, 0, &match))
        continue;
      g_autofree char *host = g_match_info_fetch_named (match, "host");
      if (host == NULL || sd_is_loopback (host))
        continue;
      g_hash_table_add (hosts, sd_domain_of (host));
      if (first == NULL)
        first = line;
    }
  return first;
}

static gboolean
sd_any_line (const SdHintInput *input,
             GRegex            *regex,
             const char       **line)
{
  for (guint l = 0; l < input->lines->len; l++)
    if (g_regex_match (regex, input->lines->pdata[l], 0, NULL))
      {
        *line = input->lines->pdata[l];
        return TRUE;
      }
  return FALSE;
}

/* Port 25 refused or timing out to more than one mail server, or to one while the
 * submission port answers: outbound port 25 is blocked on the way (cloud providers and
 * residential ISPs do so by default). */
static void
sd_derive_port25_blocked (SdHintInput           *input,
                          const SdDeriveRegexes *r)
{
  g_autoptr(GHashTable) hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *first = sd_collect_hosts (input, r->connect25_failed, hosts);
  const char *ok = NULL, *tnc = NULL;
  guint failures = g_hash_table_size (hosts);

  if (sd_any_line (input, r->tnc_port25, &tnc) && sd_any_line (input, r->tnc_failed, &tnc))
    {
      failures++;
      first = first != NULL ? first : tnc;
    }
  if (failures >= 2 || (failures == 1 && sd_any_line (input, r->submission_ok, &ok)))
    _sd_hint_input_add_fact (input, "port25-blocked", first);
}

/* Lookups failing for two or more names: the resolver, not one name. (The words for a
 * resolver that does not answer at all are evidence.json's "resolve-all-fail".) */
static void
sd_derive_resolver_down (SdHintInput           *input,
                         const SdDeriveRegexes *r)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *first = sd_collect_hosts (input, r->name_failed, names);

  if (g_hash_table_size (names) >= 2 && !g_hash_table_contains (input->facts, "resolve-all-fail"))
    _sd_hint_input_add_fact (input, "resolve-all-fail", first);
}

/* The port and the security mode the text names do not go together. */
static void
sd_derive_port_mode (SdHintInput           *input,
                     const SdDeriveRegexes *r)
{
  GHashTable *facts = input->facts;
  gboolean plain_port = g_hash_table_contains (facts, "port-25") ||
                        g_hash_table_contains (facts, "port-587") ||
                        g_hash_table_contains (facts, "port-2525");
  /* .NET's SmtpClient (and Send-MailMessage on it) cannot do implicit TLS at all. */
  gboolean no_implicit = g_hash_table_contains (facts, "mode-starttls") ||
                         g_hash_table_contains (facts, "mode-none") ||
                         ((g_hash_table_contains (facts, "client-dotnet") ||
                           g_hash_table_contains (facts, "client-powershell")) &&
                          !g_hash_table_contains (facts, "client-mailkit"));
  const char *line = NULL;

  if (g_hash_table_contains (facts, "port-465") && no_implicit &&
      !g_hash_table_contains (facts, "mode-tls"))
    _sd_hint_input_add_fact (input, "plain-on-implicit-tls-port",
                             g_hash_table_lookup (facts, "port-465"));
  else if (plain_port && (g_hash_table_contains (facts, "mode-tls") ||
                          sd_any_line (input, r->tls_on_plain, &line)))
    _sd_hint_input_add_fact (input, "tls-on-plain-port",
                             line != NULL ? line : g_hash_table_lookup (facts, "mode-tls"));
}

/* Postfix looked up an address for a name other than the recipient's domain: the
 * domain's MX names a host that has no address (the domain itself exists). */
static void
sd_derive_mx_host_no_address (SdHintInput           *input,
                              const SdDeriveRegexes *r)
{
  for (guint l = 0; l < input->lines->len; l++)
    {
      g_autoptr(GMatchInfo) match = NULL;
      if (!g_regex_match (r->address_lookup, input->lines->pdata[l], 0, &match))
        continue;
      g_autofree char *domain = g_match_info_fetch_named (match, "domain");
      g_autofree char *name = g_match_info_fetch_named (match, "name");
      if (g_ascii_strcasecmp (domain, name) != 0)
        {
          _sd_hint_input_add_fact (input, "mx-host-no-address", input->lines->pdata[l]);
          return;
        }
    }
}

void
_sd_hint_input_derive_whole_text (SdHintInput *input)
{
  const SdDeriveRegexes *r = sd_derive_regexes ();

  sd_derive_port25_blocked (input, r);
  sd_derive_resolver_down (input, r);
  sd_derive_port_mode (input, r);
  sd_derive_mx_host_no_address (input, r);
}

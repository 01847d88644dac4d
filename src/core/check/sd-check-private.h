/* sd-check-private.h: the parts of the check that share its run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-check.h"

G_BEGIN_DECLS

/* --- DNS: many lookups at once, each bounded (sd-check-dns.c) ---------------------- */

typedef struct _SdCheckDns SdCheckDns;

/* @result is (transfer none): a GList of GInetAddress (by name), a GList of GVariant
 * (records), or a char * host name (by address); NULL with @error. A timeout comes as
 * G_IO_ERROR_TIMED_OUT, a missing name as G_RESOLVER_ERROR_NOT_FOUND. Callbacks may
 * start more lookups. */
typedef void (*SdCheckDnsFunc) (SdCheckDns   *dns,
                                gconstpointer result,
                                const GError *error,
                                gpointer      user_data);

SdCheckDns *_sd_check_dns_new         (guint               timeout_s,
                                       GCancellable       *cancellable);
void        _sd_check_dns_free        (SdCheckDns         *dns);
void        _sd_check_dns_by_name     (SdCheckDns         *dns,
                                       const char         *name,
                                       SdCheckDnsFunc      func,
                                       gpointer            user_data);
void        _sd_check_dns_records     (SdCheckDns         *dns,
                                       const char         *name,
                                       GResolverRecordType type,
                                       SdCheckDnsFunc      func,
                                       gpointer            user_data);
void        _sd_check_dns_by_address  (SdCheckDns         *dns,
                                       const char         *address,
                                       SdCheckDnsFunc      func,
                                       gpointer            user_data);
/* Runs until every lookup (and those their callbacks started) has answered or timed out. */
void        _sd_check_dns_wait        (SdCheckDns         *dns);
/* The TXT records of a GList of GVariant "(as)", each joined (transfer full). */
GPtrArray  *_sd_check_txt_strings     (gconstpointer       records);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCheckDns, _sd_check_dns_free)

/* --- the steps of a check -------------------------------------------------------- */

/* MX (or A/AAAA), each host's addresses, PTR and FCrDNS (sd-check-target.c). */
void     _sd_check_target_start   (SdCheckDns         *dns,
                                   SdCheckReport      *report);
/* SPF (with its includes), DMARC, MTA-STS, TLS-RPT of report->from_domain
 * (sd-check-sender.c). */
void     _sd_check_sender_start   (SdCheckDns         *dns,
                                   SdCheckReport      *report);
/* The list's entries for each of @addresses (sd-check-dnsbl.c). */
gboolean _sd_check_dnsbl_start    (SdCheckDns         *dns,
                                   SdCheckReport      *report,
                                   const char         *list_file,
                                   GPtrArray          *addresses,
                                   GError            **error);
/* The probes, in parallel (sd-check-sweep.c). */
void     _sd_check_sweep          (const SdCheckOptions *options,
                                   SdCheckReport      *report,
                                   GCancellable       *cancellable);
/* One probe, blocking; its TLS version handshakes too when asked (sd-check-probe.c). */
void     _sd_check_probe_run      (SdCheckProbe       *probe,
                                   const SdCheckOptions *options,
                                   GCancellable       *cancellable);
/* One TLS version on a probe's endpoint (sd-check-tls-versions.c). */
SdCheckTlsVerdict _sd_check_tls_version_run (const SdCheckProbe   *probe,
                                             guint                 index,
                                             const SdCheckOptions *options,
                                             GCancellable         *cancellable);
gboolean _sd_check_probe_has_tls  (const SdCheckProbe *probe);
/* A session's settings for @probe: connect to its address, name its host, stop after
 * TLS (or EHLO without it), nothing beyond EHLO/STARTTLS/QUIT (transfer full). */
SdSettings *_sd_check_probe_settings (const SdCheckProbe   *probe,
                                      const SdCheckOptions *options,
                                      SdSecurity            security);
SdCheckProbe *_sd_check_probe_new (const char         *host,
                                   const char         *address,
                                   const SdCheckPort  *port);
void     _sd_check_probe_free     (SdCheckProbe       *probe);
/* This machine's address from an EHLO or greeting line ("Hello [192.0.2.7]"), or NULL
 * (sd-check-findings.c). */
char    *_sd_check_public_address (const SdCheckReport *report,
                                   char              **source_line);
/* Middleboxes named from a probe (sd-check-middlebox.c): Cisco ASA/PIX inspection,
 * an intercepting antivirus or proxy; adds findings. */
void     _sd_check_middlebox_find (const SdCheckReport *report,
                                   GPtrArray           *findings);
/* Findings from DNS facts, added to report->findings (sd-check-findings-dns.c). */
void     _sd_check_find_mx        (SdCheckReport      *report);
void     _sd_check_find_ptr       (SdCheckReport      *report);
void     _sd_check_find_spf       (SdCheckReport      *report);
void     _sd_check_find_dmarc     (SdCheckReport      *report);
void     _sd_check_find_blocklists (SdCheckReport     *report);
/* Every finding of the report (sd-check-findings.c). */
void     _sd_check_findings_build (SdCheckReport      *report);
/* Appends a line of evidence to a finding. */
void     _sd_check_finding_add_evidence (SdHint       *hint,
                                         const char   *format,
                                         ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS

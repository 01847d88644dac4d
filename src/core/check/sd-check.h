/* sd-check.h: a mail domain or server checked from this machine
 *
 * DNS facts (MX, PTR, SPF, DMARC, MTA-STS, TLS-RPT), blocklists, a parallel sweep of
 * ports and security modes, the TLS versions each endpoint accepts, middleboxes named.
 * The check makes an SdCheckReport; its findings are SdHints like a session's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include "sd-hint.h"
#include "sd-report.h"
#include "sd-settings.h"
#include "sd-spf.h"

G_BEGIN_DECLS

#define SD_CHECK_ERROR (sd_check_error_quark ())
GQuark sd_check_error_quark (void);

typedef enum {
  SD_CHECK_ERROR_INVALID_INPUT,   /* an empty or malformed target, port list or domain */
  SD_CHECK_ERROR_CANCELLED,
} SdCheckError;

/* One port of the sweep and the security tried there. */
typedef struct {
  guint16    port;
  SdSecurity security;   /* SD_SECURITY_TLS or SD_SECURITY_STARTTLS_OPTIONAL */
} SdCheckPort;

typedef struct {
  char     *target;          /* a mail domain, a host name or an address */
  char     *from_domain;     /* the sender domain for SPF/DMARC/MTA-STS, or NULL */
  GArray   *ports;           /* (element-type SdCheckPort) */
  guint     timeout_s;       /* each DNS wait and each network wait of a probe; 0: 10 */
  gboolean  blocklists;      /* query the DNSBLs for this machine's public address */
  gboolean  blocklist_servers; /* ... and for each server address */
  gboolean  tls_versions;    /* probe TLS 1.0-1.3 on each TLS endpoint */
  char     *ehlo_name;       /* NULL: the session's default */
  char     *tls_ca_file;     /* trust these CAs instead of the system's (tests) */
  char     *dnsbl_file;      /* a DNSBL list instead of the built-in one (tests) */
} SdCheckOptions;

SdCheckOptions *sd_check_options_new       (void);
void            sd_check_options_free      (SdCheckOptions *options);
SdCheckOptions *sd_check_options_copy      (const SdCheckOptions *options);
/* "25,465,587,2525"; a port may say its security: "2525/tls", "587/starttls". Ports
 * without one get implicit TLS on 465 and STARTTLS (when offered) elsewhere. */
gboolean        sd_check_options_set_ports (SdCheckOptions *options,
                                            const char     *list,
                                            GError        **error);

typedef struct {
  char      *name;          /* the MX host (or the target itself) */
  guint      preference;    /* MX preference; 0 without MX */
  GPtrArray *addresses;     /* (element-type utf8) A and AAAA, as text */
  char      *error;         /* why it has no addresses, or NULL */
} SdCheckHost;

typedef struct {
  char     *address;
  char     *name;           /* the PTR, or NULL */
  gboolean  forward_match;  /* the name resolves back to the address (FCrDNS) */
  char     *error;          /* why there is no PTR */
} SdCheckPtr;

typedef enum {
  SD_CHECK_LISTING_NOT_LISTED,
  SD_CHECK_LISTING_LISTED,
  SD_CHECK_LISTING_TIMEOUT,
  SD_CHECK_LISTING_ERROR,   /* the list refused to answer (e.g. a public resolver) */
} SdCheckListing;

typedef struct {
  char           *zone;
  char           *name;       /* "Spamhaus ZEN" */
  char           *removal;    /* the list's removal page */
  char           *address;
  SdCheckListing  listing;
  char           *answer;     /* "127.0.0.2", when listed */
} SdCheckBlocklist;

typedef enum {
  SD_CHECK_OUTCOME_OK,
  SD_CHECK_OUTCOME_REFUSED,         /* connection refused */
  SD_CHECK_OUTCOME_TIMEOUT,         /* no answer to the connection (filtered) */
  SD_CHECK_OUTCOME_NO_GREETING,     /* connected, but no greeting in time */
  SD_CHECK_OUTCOME_CLOSED,          /* the server (or something between) hung up */
  SD_CHECK_OUTCOME_REJECTED,        /* greeting other than 220 */
  SD_CHECK_OUTCOME_EHLO_REFUSED,
  SD_CHECK_OUTCOME_STARTTLS_REFUSED,
  SD_CHECK_OUTCOME_TLS_FAILED,
  SD_CHECK_OUTCOME_TLS_AT_ONCE,     /* implicit TLS on a port probed with STARTTLS */
  SD_CHECK_OUTCOME_PLAIN_ON_TLS,    /* a plain greeting on a port probed with TLS */
  SD_CHECK_OUTCOME_ERROR,
  SD_CHECK_N_OUTCOMES
} SdCheckOutcome;

typedef enum {
  SD_CHECK_TLS_UNTESTED,   /* no TLS endpoint, or not asked */
  SD_CHECK_TLS_ACCEPTED,
  SD_CHECK_TLS_REFUSED,
  SD_CHECK_TLS_CANNOT_TEST, /* this machine's GnuTLS or policy cannot offer it */
} SdCheckTlsVerdict;

#define SD_CHECK_N_TLS_VERSIONS 4   /* TLS 1.0, 1.1, 1.2, 1.3 */

typedef struct {
  char              *host;
  char              *address;
  guint16            port;
  SdSecurity         security;
  SdCheckOutcome     outcome;
  char              *detail;         /* the error in words, or NULL */
  SdReport          *report;         /* the probe's session: banner, EHLO, TLS, timings,
                                      * transcript */
  SdCheckTlsVerdict  tls_versions[SD_CHECK_N_TLS_VERSIONS];
  gint64             greeting_us;    /* from connected to the greeting; -1 if none */
} SdCheckProbe;

typedef struct {
  char       *target;
  gboolean    target_is_address;
  gboolean    has_mx;            /* MX records were found */
  gboolean    null_mx;           /* "0 ." (RFC 7505): the domain accepts no mail */
  char       *mx_error;          /* the MX lookup failed (not just "none") */
  GPtrArray  *hosts;             /* (element-type SdCheckHost) by preference */
  GPtrArray  *ptrs;              /* (element-type SdCheckPtr) one per server address */
  char       *from_domain;
  char       *spf_record;        /* the v=spf1 TXT, or NULL */
  SdSpf      *spf;               /* parsed, with the lookups counted through includes */
  char       *spf_verdict;       /* for the public address: "pass", "fail", "softfail",
                                  * "neutral", "unknown"; NULL without both */
  guint       spf_records_found; /* more than one is an error (RFC 7208 4.5) */
  char       *dmarc_record;
  char       *dmarc_policy;      /* p=: "none", "quarantine", "reject" */
  char       *mta_sts;           /* the _mta-sts TXT */
  char       *tls_rpt;           /* the _smtp._tls TXT */
  char       *public_address;    /* this machine's address as a server saw it */
  char       *public_address_source; /* the reply line it came from */
  GPtrArray  *blocklists;        /* (element-type SdCheckBlocklist) */
  GPtrArray  *probes;            /* (element-type SdCheckProbe) host, then port order */
  GPtrArray  *findings;          /* (element-type SdHint) most severe first */
  gint64      elapsed_us;
  gint64      sweep_us;          /* the parallel sweep alone */
} SdCheckReport;

void           sd_check_report_free   (SdCheckReport *report);
SdCheckReport *sd_check_report_new    (const char    *target);

/* Blocking: runs the whole check in the calling thread (the probes on threads of its
 * own), every wait bounded by options->timeout_s. Returns NULL only for bad options
 * (transfer full). */
SdCheckReport *sd_check_run           (const SdCheckOptions *options,
                                       GCancellable         *cancellable,
                                       GError              **error);
void           sd_check_run_async     (const SdCheckOptions *options,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
SdCheckReport *sd_check_run_finish    (GAsyncResult         *result,
                                       GError              **error);

/* Renderings: a host x port matrix, the DNS facts and the findings for a terminal or a
 * ticket; the JSON document of `smtp-doctor-cli check --json` (transfer full). */
char          *sd_check_report_to_text (const SdCheckReport *report);
char          *sd_check_report_to_json (const SdCheckReport *report);

/* "ok", "refused", "timeout", ... for JSON; and one translated word for the matrix. */
const char    *sd_check_outcome_to_string (SdCheckOutcome outcome);
const char    *sd_check_outcome_to_label  (SdCheckOutcome outcome);
const char    *sd_check_tls_version_name  (guint          index);  /* "TLS1.0" … */
const char    *sd_check_listing_to_string (SdCheckListing listing);
/* Exit code for the CLI: 0 when every MX host has a working endpoint, else the most
 * severe class as in `send` (2 connect, 3 TLS, 5 rejected, 6 timeout, 7 protocol). */
int            sd_check_report_exit_code  (const SdCheckReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCheckOptions, sd_check_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCheckReport, sd_check_report_free)

G_END_DECLS

/* sd-spf.h: an SPF record (RFC 7208) read and judged for one address
 *
 * Pure: no DNS here. The check fetches what include: and redirect= name and hangs the
 * parsed records under the term that named them, so the lookups can be counted through
 * them and an address judged without a network round per question.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SD_SPF_MAX_LOOKUPS 10   /* RFC 7208 4.6.4: more is a permerror */

typedef struct _SdSpf SdSpf;

typedef struct {
  char    qualifier;   /* '+', '-', '~', '?' ('+' when omitted); 0 for modifiers */
  char   *name;        /* lower case: "ip4", "include", "all", "redirect", "exp", ... */
  char   *value;       /* after ':' or '=', or NULL */
  SdSpf  *target;      /* include: and redirect=: the record it names, once fetched */
} SdSpfTerm;

struct _SdSpf {
  GPtrArray *terms;      /* (element-type SdSpfTerm) in order */
  GPtrArray *problems;   /* (element-type utf8) syntax problems, translated */
  guint      lookups;    /* terms here that cost a DNS lookup (include a mx ptr exists
                          * redirect) */
  char       all;        /* the qualifier of "all", 0 when there is none */
  gboolean   has_ptr;    /* "ptr" is deprecated (RFC 7208 5.5) */
};

/* NULL when @record is not "v=spf1 …". */
SdSpf      *sd_spf_parse          (const char  *record);
void        sd_spf_free           (SdSpf       *spf);
/* The lookups of the record and of every fetched include/redirect under it. */
guint       sd_spf_count_lookups  (const SdSpf *spf);
/* "pass", "fail", "softfail", "neutral" when the record (and the fetched ones) decide for
 * @address from ip4/ip6/all alone; "unknown" when a mechanism we do not evaluate (a, mx,
 * exists, ptr, an unfetched include) comes first. */
const char *sd_spf_judge          (const SdSpf *spf,
                                   const char  *address);
/* "-all" for the record's all, or "" (transfer none). */
const char *sd_spf_qualifier_word (char         qualifier);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdSpf, sd_spf_free)

G_END_DECLS

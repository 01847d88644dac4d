/* sd-hints-private.h: the knowledge base as loaded, shared by the engine and the
 * build-time validator (which compiles sd-hints-kb.c on its own, without the core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "sd-hint.h"
#include "sd-report.h"

G_BEGIN_DECLS

typedef enum {
  SD_HINT_WHEN_FAILURE,   /* default: only for a failed session or failing text */
  SD_HINT_WHEN_SUCCESS,
  SD_HINT_WHEN_ANY,
} SdHintWhen;

typedef struct {
  char           *id;
  SdHintSeverity  severity;
  SdHintWhen      when;
  char           *title;
  char           *detail;
  guint           stages;      /* bit per SdStage; 0: any */
  GPtrArray      *codes;       /* (element-type utf8) "535", "53x", "5xx" */
  GPtrArray      *enhanced;    /* (element-type utf8) "5.7.8", "5.7.*", "5.*.*" */
  GPtrArray      *text;        /* (element-type utf8) case-folded fragments */
  GPtrArray      *regex;       /* (element-type GRegex) case-insensitive */
  GPtrArray      *facts;       /* (element-type utf8) all must hold */
  GPtrArray      *not_facts;   /* (element-type utf8) none may hold */
  int             weight;      /* tie-breaker, -20..20 */
  GPtrArray      *fixes;       /* (element-type SdHintFix) in the file's order */
} SdHintRule;

typedef struct {
  GPtrArray  *rules;           /* (element-type SdHintRule) */
  GHashTable *products;        /* id -> label */
  GHashTable *classes;         /* "4" -> meaning of 4.X.X */
  GHashTable *subjects;        /* "7" -> meaning of X.7.X */
  GHashTable *details;         /* "7.1" -> meaning of X.7.1 */
  GHashTable *basic;           /* "535" -> meaning of the reply code */
} SdHintKb;

/* The facts the engine derives (sd-hints-facts.c); a rule naming another fails the
 * build. */
extern const char * const _sd_hint_known_facts[];
/* The products a fix may name; the KB gives each its shown label. */
extern const char * const _sd_hint_known_products[];

/* Parses and checks the knowledge base: @base (products and status codes) and
 * @rule_files (element-type GBytes; each {"rules": [...]}); @names names the base, then
 * each rule file, for the messages. Required fields, known stages, products and facts,
 * regexes that compile, ids unique across files. @translate looks strings up with
 * g_dgettext (off in the validator, which must see the msgids). Every problem is
 * listed in the error. */
SdHintKb   *_sd_hint_kb_load      (GBytes            *base,
                                   GPtrArray         *rule_files,
                                   const char *const *names,
                                   gboolean           translate,
                                   GError           **error);
void        _sd_hint_kb_free      (SdHintKb      *kb);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHintKb, _sd_hint_kb_free)

G_END_DECLS

G_BEGIN_DECLS

/* What the engine matches rules against: built from a report or from free text. */
typedef struct {
  gboolean    failed;        /* a failure to explain (report not ok, or a 4xx/5xx seen) */
  gboolean    succeeded;     /* a report that went well */
  gboolean    from_text;
  gboolean    stage_known;
  SdStage     stage;
  GArray     *codes;         /* (element-type guint) failure replies (4xx, 5xx) and 221 */
  GPtrArray  *enhanced;      /* (element-type utf8) "5.7.1", in order seen */
  GPtrArray  *lines;         /* (element-type utf8) the lines rules are matched against */
  GPtrArray  *folded;        /* the same, case-folded */
  GHashTable *facts;         /* fact -> evidence sentence ("" when none) */
  GHashTable *vars;          /* "host" -> value, for {host} in the KB's strings */
} SdHintInput;

/* The built-in knowledge base, loaded on first use (transfer none). */
const SdHintKb *_sd_hints_get_kb (void);

SdHintInput *_sd_hint_input_new_from_report (const SdReport *report);
SdHintInput *_sd_hint_input_new_from_text   (const char     *text);
void         _sd_hint_input_free            (SdHintInput    *input);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHintInput, _sd_hint_input_free)

G_END_DECLS

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
  GPtrArray      *regex_src;   /* (element-type utf8) the regexes as written */
  GPtrArray      *regex;       /* (element-type GRegex) compiled on first use (NULL before);
                                * see _sd_hint_rule_get_regexes() */
  GPtrArray      *in_reply;    /* (element-type utf8) case-folded: inside the quoted reply */
  GPtrArray      *servers;     /* (element-type utf8) the rule applies to these servers */
  GPtrArray      *clients;     /* (element-type utf8) ... and these client libraries */
  char           *source;      /* where the rule's facts come from (URL or document) */
  GPtrArray      *facts;       /* (element-type utf8) all must hold */
  GPtrArray      *not_facts;   /* (element-type utf8) none may hold */
  GPtrArray      *any_facts;   /* (element-type utf8) one is enough, instead of text */
  int             weight;      /* tie-breaker, -20..20 */
  char           *refines;     /* the generic rule this one says more precisely, or NULL */
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

/* data/hints/evidence.json: what tells who answered, who sent and in which language,
 * and where a reply is quoted (sd-hints-evidence.c). */
typedef struct {
  char   *id;                  /* "exchange-online" */
  char   *fact;                /* "server-exchange-online" */
  GRegex *regex;               /* the signatures, as one alternation */
} SdHintSignature;

typedef struct {
  GPtrArray *servers;          /* (element-type SdHintSignature) fact server-ID, product ID */
  GPtrArray *clients;          /* (element-type SdHintSignature) fact client-ID */
  GPtrArray *appliances;       /* (element-type SdHintSignature) fact sender-appliance */
  GPtrArray *languages;        /* (element-type SdHintSignature) fact text-ID */
  GPtrArray *facts;            /* (element-type SdHintSignature) the fact ID itself */
  GPtrArray *phrases;          /* (element-type SdHintSignature) id: the English words */
  GRegex    *versions;         /* a product name or "version" before a version number */
  GRegex    *cued;             /* a cue, then a reply code: group "code" */
} SdHintEvidence;

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
/* The same files, parsed and compiled (sd-json-variant.c) as one JSON array of
 * [name, the file's JSON], base first (transfer full). Fails on JSON errors only. */
GVariant   *_sd_hint_kb_compile   (GBytes            *base,
                                   GPtrArray         *rule_files,
                                   const char *const *names,
                                   GError           **error);
/* _sd_hint_kb_load() of what _sd_hint_kb_compile() made (the engine's path: the build
 * compiles the knowledge base into the GResource, so no JSON is parsed at run time). */
SdHintKb   *_sd_hint_kb_load_compiled (GVariant      *compiled,
                                       gboolean       translate,
                                       GError       **error);

/* The rule's regexes, compiled once on first use (thread-safe; transfer none). */
GPtrArray  *_sd_hint_rule_get_regexes (const SdHintRule *rule);

/* Parses and checks evidence.json: known server, client and language ids (their facts
 * must be in _sd_hint_known_facts), regexes that compile. */
SdHintEvidence *_sd_hint_evidence_load (GBytes      *bytes,
                                        const char  *name,
                                        GError     **error);
void            _sd_hint_evidence_free (SdHintEvidence *evidence);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHintEvidence, _sd_hint_evidence_free)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHintKb, _sd_hint_kb_free)

G_END_DECLS

G_BEGIN_DECLS

/* A failing reply as quoted in pasted text (or the report's reply). */
typedef struct {
  guint  code;                 /* 0: only an enhanced code was quoted */
  char  *enhanced;             /* (nullable) "5.7.57" */
  char  *folded;               /* the reply's words, noise removed, case-folded */
  guint  line;                 /* index in SdHintInput.lines of the line it is on */
} SdHintReply;

/* What the engine matches rules against: built from a report or from free text. */
typedef struct {
  gboolean    failed;        /* a failure to explain (report not ok, or a 4xx/5xx seen) */
  gboolean    succeeded;     /* a report that went well */
  gboolean    from_text;
  gboolean    error_seen;    /* pasted text shows an exception or a socket error */
  gboolean    stage_known;
  SdStage     stage;
  GArray     *codes;         /* (element-type guint) failure replies (4xx, 5xx) and 221 */
  GPtrArray  *enhanced;      /* (element-type utf8) "5.7.1", in order seen */
  GPtrArray  *lines;         /* (element-type utf8) the lines rules are matched against */
  GPtrArray  *folded;        /* the same, case-folded, noise removed (host names, log
                              * fields, version numbers, masked passwords) */
  GPtrArray  *clean;         /* the same, noise removed, not folded: for regexes */
  GPtrArray  *raw_folded;    /* case-folded as written: for dotted fragments (host names) */
  GPtrArray  *replies;       /* (element-type SdHintReply) failing replies quoted in text */
  GPtrArray  *products;      /* (element-type utf8) products detected: fixes first */
  GHashTable *facts;         /* fact -> evidence sentence ("" when none) */
  GHashTable *vars;          /* "host" -> value, for {host} in the KB's strings */
} SdHintInput;

/* An SMTP conversation in pasted text, read line by line (sd-hints-transcript.c). */
typedef struct {
  SdHintInput *input;
  GPtrArray   *before;       /* EHLO keywords outside TLS */
  GPtrArray   *after;        /* ... inside */
  gboolean     in_tls, starttls_sent, quit_sent, saw_command;
  gboolean     auth_sent, auth_failed, mail_sent;
  SdStage      last_stage;
} SdHintTranscript;

void         _sd_hint_transcript_init       (SdHintTranscript *t,
                                             SdHintInput      *input);
void         _sd_hint_transcript_mark_tls   (SdHintTranscript *t,
                                             const char       *line);
/* TRUE: @rest (the line without its decorations) was a command. */
gboolean     _sd_hint_transcript_read       (SdHintTranscript *t,
                                             const char       *rest);
/* The capability and AUTH facts of the whole conversation; frees its lists. */
void         _sd_hint_transcript_finish     (SdHintTranscript *t);

/* One rule's score against @input (sd-hints-score.c). */
typedef struct {
  double     score;
  GPtrArray *evidence;   /* (element-type utf8) what made it fire */
  gboolean   recognised; /* the server or client the rule is for was recognised */
} SdHintMatch;

gboolean     _sd_hint_rule_match            (const SdHintRule  *rule,
                                             const SdHintInput *input,
                                             SdHintMatch       *match);

/* The built-in knowledge base, loaded on first use (transfer none). */
const SdHintKb *_sd_hints_get_kb (void);
/* The built-in evidence signatures, loaded on first use (transfer none). */
const SdHintEvidence *_sd_hints_get_evidence (void);

SdHintInput *_sd_hint_input_new_from_report (const SdReport *report);
SdHintInput *_sd_hint_input_new_from_text   (const char     *text);
/* Facts only the whole pasted text shows (sd-hints-derive.c). */
void         _sd_hint_input_derive_whole_text (SdHintInput *input);
void         _sd_hint_input_free            (SdHintInput    *input);

/* Shared by the report and the text paths (sd-hints-facts.c). */
SdHintInput *_sd_hint_input_new              (void);
void         _sd_hint_input_add_line         (SdHintInput    *input,
                                              const char     *line,
                                              const char     *clean);
void         _sd_hint_input_add_code         (SdHintInput    *input,
                                              guint           code);
void         _sd_hint_input_add_enhanced     (SdHintInput    *input,
                                              const char     *code);
void         _sd_hint_input_add_fact         (SdHintInput    *input,
                                              const char     *fact,
                                              const char     *evidence);
void         _sd_hint_input_derive_capability_facts (SdHintInput          *input,
                                                     const SdCapabilities *before,
                                                     const SdCapabilities *after,
                                                     gboolean              implicit_tls);
void         _sd_hint_reply_free             (SdHintReply    *reply);
/* Facts server-* (and fixes first) from host names and banners (sd-hints-extract.c). */
void         _sd_hint_input_detect_servers   (SdHintInput    *input,
                                              const char     *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdHintInput, _sd_hint_input_free)

G_END_DECLS

/* sd-test-corpus.h: the diagnosis corpus (tests/corpus), texts as admins paste them
 *
 * One file per case:
 *   expect: rule-id [rule-id ...]     (any of them first is right; empty: not labelled)
 *   cause: what really went wrong, in words
 *   family: exchange-online | gmail | dotnet | postfix | tls | ...
 *   lang: en | de | fr
 *   source: where the text is modelled on (a URL, or the library it was captured from)
 *   ---
 *   the text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *path;      /* relative to tests/corpus */
  char  *part;      /* the first folder: dev, heldout, clients */
  GStrv  expect;
  char  *cause;
  char  *family;
  char  *lang;
  char  *source;
  char  *text;
} SdCorpusCase;

void       sd_corpus_case_free (SdCorpusCase *c);

/* Every case under tests/corpus/@part (element-type SdCorpusCase, sorted by path);
 * a malformed file fails the test. */
GPtrArray *sd_corpus_load      (const char   *part);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCorpusCase, sd_corpus_case_free)

G_END_DECLS

/* sd-json-variant-private.h: any JSON document compiled into GVariant data, and read
 * back without parsing
 *
 * Generic on purpose: whatever fields a file has, it compiles (the hints knowledge base:
 * a new field in its schema needs no change here). The form is a GVariant
 * "(a(uuuux)ay)": one fixed-size row per JSON value, the children of an object or array
 * in consecutive rows, and one block of NUL-terminated strings. Reading it takes no
 * allocation at all: g_variant_get_fixed_array() gives the rows in place (a GVariant
 * a{sv} tree cost more to walk than Jansson took to parse the JSON).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

#define SD_JSON_VARIANT_TYPE ((const GVariantType *) "(a(uuuux)ay)")

typedef enum {
  SD_JSON_NONE,            /* no such value (a missing member, an item past the end) */
  SD_JSON_OBJECT,
  SD_JSON_ARRAY,
  SD_JSON_STRING,
  SD_JSON_INTEGER,
  SD_JSON_REAL,
  SD_JSON_BOOLEAN,
  SD_JSON_NULL,
} SdJsonType;

typedef struct _SdJsonDoc SdJsonDoc;
typedef struct _SdJsonRow SdJsonRow;

/* A value in a document, passed by value; nothing to free. */
typedef struct {
  const SdJsonDoc *doc;
  const SdJsonRow *row;    /* NULL: SD_JSON_NONE */
} SdJsonNode;

/* @value in the compiled form, SD_JSON_VARIANT_TYPE (transfer full, not floating). */
GVariant    *_sd_json_compile    (json_t          *value);
/* A view of @compiled (kept referenced), or NULL when it is not a well-formed one. */
SdJsonDoc   *_sd_json_doc_new    (GVariant        *compiled);
void         _sd_json_doc_free   (SdJsonDoc       *doc);
SdJsonNode   _sd_json_doc_root   (const SdJsonDoc *doc);

/* Strings are in the document's data: valid as long as the document (transfer none). */
SdJsonType   _sd_json_type       (SdJsonNode       node);
/* The members of an object or items of an array; 0 for anything else. */
gsize        _sd_json_size       (SdJsonNode       node);
/* Member or item @i, in the file's order. */
SdJsonNode   _sd_json_child      (SdJsonNode       node,
                                  gsize            i);
/* The name of an object's member (a child of an object); NULL otherwise. */
const char  *_sd_json_key        (SdJsonNode       member);
/* Member @key of @object (SD_JSON_NONE when missing or not an object). */
SdJsonNode   _sd_json_member     (SdJsonNode       object,
                                  const char      *key);
/* NULL when @node is not a string. */
const char  *_sd_json_string     (SdJsonNode       node);
/* 0 when @node is not an integer. */
gint64       _sd_json_integer    (SdJsonNode       node);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdJsonDoc, _sd_json_doc_free)

G_END_DECLS

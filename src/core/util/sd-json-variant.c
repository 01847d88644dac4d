/* sd-json-variant.c: any JSON document compiled into GVariant data, and read back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-json-variant-private.h"

/* One row of "a(uuuux)": the same layout as the GVariant serialization of (uuuux). */
struct _SdJsonRow {
  guint32 type;    /* SdJsonType */
  guint32 key;     /* a member's name: offset in the strings; 0 (the empty string) else */
  guint32 count;   /* object, array: how many children */
  guint32 unused;  /* keeps @value where GVariant puts it */
  gint64  value;   /* object, array: the first child's row; string: its offset;
                    * integer, boolean: the value; real: its bits */
};
G_STATIC_ASSERT (sizeof (SdJsonRow) == 24);

struct _SdJsonDoc {
  GVariant        *compiled;
  const SdJsonRow *rows;
  gsize            n_rows;
  const char      *strings;
  gsize            strings_len;
};

/* --- compiling ------------------------------------------------------------------- */

typedef struct {
  GArray     *rows;
  GString    *strings;
  GHashTable *offsets;     /* string -> its offset + 1: names repeat a lot */
} SdJsonCompiler;

static guint32
sd_json_intern (SdJsonCompiler *compiler,
                const char     *text)
{
  gpointer offset = g_hash_table_lookup (compiler->offsets, text);

  if (offset == NULL)
    {
      offset = GSIZE_TO_POINTER (compiler->strings->len + 1);
      g_string_append_len (compiler->strings, text, strlen (text) + 1);
      g_hash_table_insert (compiler->offsets, g_strdup (text), offset);
    }
  return (guint32) (GPOINTER_TO_SIZE (offset) - 1);
}

/* Fills row @at with @value; its children get a block of rows of their own. */
static void
sd_json_fill (SdJsonCompiler *compiler,
              guint           at,
              json_t         *value,
              const char     *key)
{
  SdJsonRow row = { SD_JSON_NULL, key != NULL ? sd_json_intern (compiler, key) : 0, 0, 0, 0 };
  const char *name;
  json_t *item;
  size_t i;
  double real;

  switch (json_typeof (value))
    {
    case JSON_OBJECT:
    case JSON_ARRAY:
      row.type = json_is_object (value) ? SD_JSON_OBJECT : SD_JSON_ARRAY;
      row.count = json_is_object (value) ? json_object_size (value) : json_array_size (value);
      row.value = compiler->rows->len;
      g_array_set_size (compiler->rows, compiler->rows->len + row.count);
      g_array_index (compiler->rows, SdJsonRow, at) = row;
      i = 0;
      if (json_is_object (value))
        json_object_foreach (value, name, item)
          sd_json_fill (compiler, row.value + i++, item, name);
      else
        json_array_foreach (value, i, item)
          sd_json_fill (compiler, row.value + i, item, NULL);
      return;
    case JSON_STRING:
      row.type = SD_JSON_STRING;
      row.value = sd_json_intern (compiler, json_string_value (value));
      break;
    case JSON_INTEGER:
      row.type = SD_JSON_INTEGER;
      row.value = json_integer_value (value);
      break;
    case JSON_REAL:
      row.type = SD_JSON_REAL;
      real = json_real_value (value);
      memcpy (&row.value, &real, sizeof real);
      break;
    case JSON_TRUE:
    case JSON_FALSE:
      row.type = SD_JSON_BOOLEAN;
      row.value = json_is_true (value);
      break;
    case JSON_NULL:
    default:
      break;
    }
  g_array_index (compiler->rows, SdJsonRow, at) = row;
}

GVariant *
_sd_json_compile (json_t *value)
{
  SdJsonCompiler compiler = {
    g_array_sized_new (FALSE, TRUE, sizeof (SdJsonRow), 1024),
    g_string_new_len ("", 1),     /* offset 0: the empty string */
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
  };
  GVariant *rows, *strings;

  g_array_set_size (compiler.rows, 1);
  sd_json_fill (&compiler, 0, value, NULL);
  rows = g_variant_new_fixed_array (G_VARIANT_TYPE ("(uuuux)"), compiler.rows->data,
                                    compiler.rows->len, sizeof (SdJsonRow));
  strings = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, compiler.strings->str,
                                       compiler.strings->len, 1);
  g_array_unref (compiler.rows);
  g_string_free (compiler.strings, TRUE);
  g_hash_table_unref (compiler.offsets);
  return g_variant_ref_sink (g_variant_new ("(@a(uuuux)@ay)", rows, strings));
}

/* --- reading --------------------------------------------------------------------- */

SdJsonDoc *
_sd_json_doc_new (GVariant *compiled)
{
  g_autoptr(GVariant) rows = NULL;
  g_autoptr(GVariant) strings = NULL;
  SdJsonDoc *doc;

  if (!g_variant_is_of_type (compiled, SD_JSON_VARIANT_TYPE))
    return NULL;
  rows = g_variant_get_child_value (compiled, 0);
  strings = g_variant_get_child_value (compiled, 1);
  doc = g_new0 (SdJsonDoc, 1);
  doc->compiled = g_variant_ref (compiled);
  doc->rows = g_variant_get_fixed_array (rows, &doc->n_rows, sizeof (SdJsonRow));
  doc->strings = g_variant_get_fixed_array (strings, &doc->strings_len, 1);
  /* Every string read must end inside the block. */
  if (doc->n_rows == 0 || doc->strings_len == 0 || doc->strings[doc->strings_len - 1] != '\0')
    {
      _sd_json_doc_free (doc);
      return NULL;
    }
  return doc;
}

void
_sd_json_doc_free (SdJsonDoc *doc)
{
  if (doc == NULL)
    return;
  g_variant_unref (doc->compiled);
  g_free (doc);
}

SdJsonNode
_sd_json_doc_root (const SdJsonDoc *doc)
{
  SdJsonNode root = { doc, &doc->rows[0] };
  return root;
}

static const char *
sd_json_text (const SdJsonDoc *doc,
              guint64          offset)
{
  return offset < doc->strings_len ? doc->strings + offset : NULL;
}

SdJsonType
_sd_json_type (SdJsonNode node)
{
  return node.row != NULL ? (SdJsonType) node.row->type : SD_JSON_NONE;
}

gsize
_sd_json_size (SdJsonNode node)
{
  SdJsonType type = _sd_json_type (node);
  guint64 first = node.row != NULL ? (guint64) node.row->value : 0;

  if (type != SD_JSON_OBJECT && type != SD_JSON_ARRAY)
    return 0;
  /* Damaged data reads as empty rather than out of bounds. */
  return first + node.row->count <= node.doc->n_rows ? node.row->count : 0;
}

SdJsonNode
_sd_json_child (SdJsonNode node,
                gsize      i)
{
  SdJsonNode child = { node.doc, NULL };

  if (i < _sd_json_size (node))
    child.row = &node.doc->rows[node.row->value + i];
  return child;
}

const char *
_sd_json_key (SdJsonNode member)
{
  return member.row != NULL ? sd_json_text (member.doc, member.row->key) : NULL;
}

SdJsonNode
_sd_json_member (SdJsonNode  object,
                 const char *key)
{
  SdJsonNode none = { object.doc, NULL };
  gsize n = _sd_json_type (object) == SD_JSON_OBJECT ? _sd_json_size (object) : 0;

  for (gsize i = 0; i < n; i++)
    {
      SdJsonNode member = _sd_json_child (object, i);
      if (g_strcmp0 (_sd_json_key (member), key) == 0)
        return member;
    }
  return none;
}

const char *
_sd_json_string (SdJsonNode node)
{
  if (_sd_json_type (node) != SD_JSON_STRING || node.row->value < 0)
    return NULL;
  return sd_json_text (node.doc, (guint64) node.row->value);
}

gint64
_sd_json_integer (SdJsonNode node)
{
  return _sd_json_type (node) == SD_JSON_INTEGER ? node.row->value : 0;
}

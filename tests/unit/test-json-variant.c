/* test-json-variant.c: JSON compiled into GVariant data (the hints knowledge base's
 * form in the GResource) reads back as it was written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-json-variant-private.h"

static SdJsonDoc *
compile (const char *text)
{
  json_error_t error;
  json_t *json = json_loads (text, 0, &error);
  g_autoptr(GVariant) compiled = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) serialized = NULL;

  g_assert_nonnull (json);
  compiled = _sd_json_compile (json);
  json_decref (json);
  g_assert_true (g_variant_is_of_type (compiled, SD_JSON_VARIANT_TYPE));
  /* Read from bytes, as the engine reads its resource. */
  bytes = g_variant_get_data_as_bytes (compiled);
  serialized = g_variant_ref_sink (g_variant_new_from_bytes (SD_JSON_VARIANT_TYPE, bytes, FALSE));
  return _sd_json_doc_new (serialized);
}

/* Every JSON type, members in the file's order, nesting, look-ups that miss. */
static void
test_round_trip (void)
{
  g_autoptr(SdJsonDoc) doc = compile (
    "{\"id\": \"r1\", \"weight\": -7, \"big\": 9007199254740993, \"ratio\": 0.5,"
    " \"on\": true, \"off\": false, \"none\": null, \"empty\": \"\", \"list\": [],"
    " \"match\": {\"text\": [\"a\", \"ü\"], \"mixed\": [1, \"two\", {\"three\": 3}]},"
    " \"zebra\": 1, \"alpha\": 2}");
  SdJsonNode root, match, mixed, member;

  g_assert_nonnull (doc);
  root = _sd_json_doc_root (doc);
  g_assert_cmpint (_sd_json_type (root), ==, SD_JSON_OBJECT);
  g_assert_cmpuint (_sd_json_size (root), ==, 12);
  g_assert_cmpstr (_sd_json_string (_sd_json_member (root, "id")), ==, "r1");
  g_assert_cmpint (_sd_json_integer (_sd_json_member (root, "weight")), ==, -7);
  g_assert_cmpint (_sd_json_integer (_sd_json_member (root, "big")), ==,
                   G_GINT64_CONSTANT (9007199254740993));
  member = _sd_json_member (root, "ratio");
  g_assert_cmpint (_sd_json_type (member), ==, SD_JSON_REAL);
  g_assert_cmpint (_sd_json_integer (member), ==, 0);
  g_assert_cmpint (_sd_json_type (_sd_json_member (root, "on")), ==, SD_JSON_BOOLEAN);
  g_assert_cmpint (_sd_json_integer (_sd_json_member (root, "on")), ==, 0);  /* not an integer */
  g_assert_cmpint (_sd_json_type (_sd_json_member (root, "none")), ==, SD_JSON_NULL);
  g_assert_cmpstr (_sd_json_string (_sd_json_member (root, "empty")), ==, "");
  g_assert_cmpint (_sd_json_type (_sd_json_member (root, "list")), ==, SD_JSON_ARRAY);
  g_assert_cmpuint (_sd_json_size (_sd_json_member (root, "list")), ==, 0);

  /* the file's order, not sorted */
  g_assert_cmpstr (_sd_json_key (_sd_json_child (root, 10)), ==, "zebra");
  g_assert_cmpstr (_sd_json_key (_sd_json_child (root, 11)), ==, "alpha");

  match = _sd_json_member (root, "match");
  g_assert_cmpstr (_sd_json_string (_sd_json_child (_sd_json_member (match, "text"), 1)), ==, "ü");
  mixed = _sd_json_member (match, "mixed");
  g_assert_cmpuint (_sd_json_size (mixed), ==, 3);
  g_assert_cmpint (_sd_json_integer (_sd_json_child (mixed, 0)), ==, 1);
  g_assert_cmpstr (_sd_json_string (_sd_json_child (mixed, 1)), ==, "two");
  g_assert_cmpstr (_sd_json_key (_sd_json_child (mixed, 1)), ==, "");   /* items have no name */
  g_assert_cmpint (_sd_json_integer (_sd_json_member (_sd_json_child (mixed, 2), "three")), ==, 3);

  /* misses: no member, past the end, a member of a non-object, a string of a number */
  g_assert_cmpint (_sd_json_type (_sd_json_member (root, "missing")), ==, SD_JSON_NONE);
  g_assert_cmpint (_sd_json_type (_sd_json_child (mixed, 3)), ==, SD_JSON_NONE);
  g_assert_cmpint (_sd_json_type (_sd_json_member (mixed, "three")), ==, SD_JSON_NONE);
  g_assert_null (_sd_json_string (_sd_json_member (root, "weight")));
  g_assert_null (_sd_json_string (_sd_json_member (root, "missing")));
}

/* Data that is not a compiled document is refused, not read out of bounds. */
static void
test_damaged (void)
{
  g_autoptr(GVariant) wrong_type = g_variant_ref_sink (g_variant_new_string ("{}"));
  g_autoptr(GVariant) no_rows = NULL;
  g_autoptr(GVariant) unterminated = NULL;
  static const char text[] = { 'a', 'b' };

  g_assert_null (_sd_json_doc_new (wrong_type));
  no_rows = g_variant_ref_sink (g_variant_new ("(@a(uuuux)@ay)",
                                               g_variant_new_array (G_VARIANT_TYPE ("(uuuux)"), NULL, 0),
                                               g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 1, 1)));
  g_assert_null (_sd_json_doc_new (no_rows));
  unterminated = g_variant_ref_sink (g_variant_new ("(@a(uuuux)@ay)",
                                                    g_variant_new_parsed ("[(uint32 3, uint32 0, uint32 0, uint32 0, int64 0)]"),
                                                    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, text, 2, 1)));
  g_assert_null (_sd_json_doc_new (unterminated));
}

/* A row whose children lie past the end reads as empty. */
static void
test_children_out_of_bounds (void)
{
  g_autoptr(GVariant) compiled = g_variant_ref_sink (g_variant_new ("(@a(uuuux)@ay)",
    g_variant_new_parsed ("[(uint32 2, uint32 0, uint32 5, uint32 0, int64 1)]"),
    g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 1, 1)));
  g_autoptr(SdJsonDoc) doc = _sd_json_doc_new (compiled);
  SdJsonNode root;

  g_assert_nonnull (doc);
  root = _sd_json_doc_root (doc);
  g_assert_cmpint (_sd_json_type (root), ==, SD_JSON_ARRAY);
  g_assert_cmpuint (_sd_json_size (root), ==, 0);
  g_assert_cmpint (_sd_json_type (_sd_json_child (root, 0)), ==, SD_JSON_NONE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/json-variant/round-trip", test_round_trip);
  g_test_add_func ("/core/json-variant/damaged", test_damaged);
  g_test_add_func ("/core/json-variant/children-out-of-bounds", test_children_out_of_bounds);
  return g_test_run ();
}

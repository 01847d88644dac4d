/* test-profiles.c: the profile store and the secret store interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-profile.h"
#include "sd-secret-store.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("sd-profiles-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "smtp-doctor", "profiles.ini", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *sub = g_build_filename (f->dir, "smtp-doctor", NULL);
  const char *name;

  dir = g_dir_open (sub, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (sub, name, NULL);
      g_unlink (file);
    }
  g_rmdir (sub);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static SdProfile *
full_profile (const char *name)
{
  g_autoptr(SdSettings) s = sd_settings_new ();
  SdProfile *profile;

  s->host = g_strdup ("mail.example.com");
  s->port = 2587;
  s->security = SD_SECURITY_STARTTLS_OPTIONAL;
  s->tls_verify = SD_TLS_PIN;
  s->tls_pin = g_strnfill (64, 'a');
  s->tls_ca_file = g_strdup ("/etc/ssl/ca with space.pem");
  g_free (s->auth);
  s->auth = g_strdup ("cram-md5");
  s->user = g_strdup ("DOMAIN\\bob");
  s->password = g_strdup ("hunter2-secret");
  s->allow_plaintext_auth = TRUE;
  s->ehlo_name = g_strdup ("client.example.com");
  s->from = g_strdup ("bob@example.com");
  s->to = g_strsplit ("a@example.com;b@example.com", ";", -1);
  g_free (s->subject);
  s->subject = g_strdup ("Grüße; \"quoted\" [x] = y # z");
  g_free (s->body);
  s->body = g_strdup ("line 1\nline 2 with \\ backslash\n\ttab\n");
  s->has_quit_after = TRUE;
  s->quit_after = SD_STAGE_RCPT;
  s->timeout_s = 42;
  s->pipelining = SD_PIPELINING_OFF;
  profile = sd_profile_new (name, s);
  profile->remember_password = TRUE;
  profile->note = g_strdup ("A note; with = signs");
  return profile;
}

static void
assert_same (const SdProfile *a,
             const SdProfile *b)
{
  const SdSettings *x = a->settings, *y = b->settings;

  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (x->host, ==, y->host);
  g_assert_cmpuint (x->port, ==, y->port);
  g_assert_cmpint (x->security, ==, y->security);
  g_assert_cmpint (x->tls_verify, ==, y->tls_verify);
  g_assert_cmpstr (x->tls_pin, ==, y->tls_pin);
  g_assert_cmpstr (x->tls_ca_file, ==, y->tls_ca_file);
  g_assert_cmpstr (x->auth, ==, y->auth);
  g_assert_cmpstr (x->user, ==, y->user);
  g_assert_null (y->password);
  g_assert_cmpint (x->allow_plaintext_auth, ==, y->allow_plaintext_auth);
  g_assert_cmpstr (x->ehlo_name, ==, y->ehlo_name);
  g_assert_cmpstr (x->from, ==, y->from);
  g_assert_cmpstrv (x->to, y->to);
  g_assert_cmpstr (x->subject, ==, y->subject);
  g_assert_cmpstr (x->body, ==, y->body);
  g_assert_cmpint (x->has_quit_after, ==, y->has_quit_after);
  g_assert_cmpint (x->quit_after, ==, y->quit_after);
  g_assert_cmpuint (x->timeout_s, ==, y->timeout_s);
  g_assert_cmpint (x->pipelining, ==, y->pipelining);
  g_assert_cmpint (a->remember_password, ==, b->remember_password);
  g_assert_cmpstr (a->note, ==, b->note);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const names[] = {
    "Exchange frontend", "with \"quotes\"", "[brackets] and ]more[", "Grüße aus Köln 日本",
    "= # ; \\ specials",
  };
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(SdProfileStore) again = sd_profile_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SdProfile) profile = full_profile (names[i]);
      g_assert_true (sd_profile_store_put (store, profile, &error));
    }
  sd_profile_store_set_last_used (store, names[3]);
  g_assert_true (sd_profile_store_save (store, &error));
  g_assert_no_error (error);

  g_assert_true (sd_profile_store_load (again, &error));
  g_assert_cmpuint (sd_profile_store_list (again)->len, ==, G_N_ELEMENTS (names));
  g_assert_cmpstr (sd_profile_store_get_last_used (again), ==, names[3]);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(SdProfile) expected = full_profile (names[i]);
      SdProfile *loaded = sd_profile_store_lookup (again, names[i]);
      g_assert_nonnull (loaded);
      assert_same (expected, loaded);
    }

  /* The password never reaches the file, and only the user can read it. */
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "hunter2"));
#ifdef G_OS_UNIX
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
#endif
}

static void
test_bad_names (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(SdProfile) empty = sd_profile_new ("", NULL);
  g_autoptr(SdProfile) newline = sd_profile_new ("two\nlines", NULL);
  g_autoptr(GError) e1 = NULL, e2 = NULL;

  g_assert_false (sd_profile_store_put (store, empty, &e1));
  g_assert_error (e1, SD_PROFILE_ERROR, SD_PROFILE_ERROR_INVALID_NAME);
  g_assert_false (sd_profile_store_put (store, newline, &e2));
  g_assert_error (e2, SD_PROFILE_ERROR, SD_PROFILE_ERROR_INVALID_NAME);
}

static void
test_rename_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(SdProfile) a = full_profile ("a");
  g_autoptr(SdProfile) b = full_profile ("b");
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_profile_store_put (store, a, NULL));
  g_assert_true (sd_profile_store_put (store, b, NULL));
  sd_profile_store_set_last_used (store, "a");
  g_assert_false (sd_profile_store_rename (store, "a", "b", &error));
  g_assert_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (sd_profile_store_rename (store, "a", "c", &error));
  g_assert_cmpstr (sd_profile_store_get_last_used (store), ==, "c");
  g_assert_null (sd_profile_store_lookup (store, "a"));
  g_assert_true (sd_profile_store_remove (store, "c", &error));
  g_assert_null (sd_profile_store_get_last_used (store));
  g_assert_false (sd_profile_store_remove (store, "c", &error));
  g_assert_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NOT_FOUND);
}

/* Two stores writing in turn: the last one wins and the file always loads. */
static void
test_two_writers (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SdProfileStore) one = sd_profile_store_new (f->path);
  g_autoptr(SdProfileStore) two = sd_profile_store_new (f->path);
  g_autoptr(SdProfileStore) reader = sd_profile_store_new (f->path);

  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("round %u", i);
      g_autoptr(SdProfile) profile = full_profile (name);
      SdProfileStore *writer = i % 2 ? one : two;

      g_assert_true (sd_profile_store_put (writer, profile, NULL));
      g_assert_true (sd_profile_store_save (writer, NULL));
      g_assert_true (sd_profile_store_load (reader, NULL));
      g_assert_nonnull (sd_profile_store_lookup (reader, name));
      g_assert_cmpuint (sd_profile_store_list (reader)->len, ==, sd_profile_store_list (writer)->len);
    }
}

static void
test_corrupt (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autoptr(GDir) listing = NULL;
  const char *name;
  gboolean kept = FALSE;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (f->path, "[profile 1\nname=broken\n\x01\x02", -1, NULL));

  g_assert_false (sd_profile_store_load (store, &error));
  g_assert_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, ".corrupt-"));
  g_assert_cmpuint (sd_profile_store_list (store)->len, ==, 0);

  /* Kept aside, byte for byte; the next save starts a fresh file. */
  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "profiles.ini.corrupt-"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *contents = NULL;
        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        g_assert_true (g_str_has_prefix (contents, "[profile 1\nname=broken"));
        kept = TRUE;
      }
  g_assert_true (kept);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_true (sd_profile_store_save (store, NULL));
}

static void
test_newer_format (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *after = NULL;
  const char *future = "[smtp-doctor]\nformat-version=7\n\n[profile 1]\nname=From the future\n"
                       "host=mail.example.com\nhologram=yes\n";

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (f->path, future, -1, NULL));
  g_assert_true (sd_profile_store_load (store, &error));
  g_assert_true (sd_profile_store_is_read_only (store));
  g_assert_cmpstr (sd_profile_store_lookup (store, "From the future")->settings->host, ==,
                   "mail.example.com");
  g_assert_false (sd_profile_store_save (store, &error));
  g_assert_error (error, SD_PROFILE_ERROR, SD_PROFILE_ERROR_NEWER_FORMAT);
  g_assert_true (g_file_get_contents (f->path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, future);
}

static void
test_export_import (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SdProfileStore) store = sd_profile_store_new (f->path);
  g_autoptr(SdProfileStore) colleague = NULL;
  g_autoptr(SdProfile) profile = full_profile ("Shared");
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->dir, "smtp-doctor", "export.ini", NULL);
  g_autofree char *other = g_build_filename (f->dir, "smtp-doctor", "other.ini", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (sd_profile_store_put (store, profile, NULL));
  g_assert_true (sd_profile_store_export (store, file, &error));
  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "hunter2"));
  g_assert_nonnull (strstr (contents, "remember-password=false"));

  colleague = sd_profile_store_new (other);
  g_assert_cmpint (sd_profile_store_import (colleague, file, &error), ==, 1);
  g_assert_cmpint (sd_profile_store_import (colleague, file, &error), ==, 1);
  g_assert_nonnull (sd_profile_store_lookup (colleague, "Shared"));
  g_assert_nonnull (sd_profile_store_lookup (colleague, "Shared (2)"));
  g_assert_false (sd_profile_store_lookup (colleague, "Shared")->remember_password);
}

static void
test_secret_store (void)
{
  SdSecretStore *store = sd_secret_store_get_default ();
  g_autoptr(GError) error = NULL;
  char *password;

  /* The test environment picks the process-local store. */
  g_assert_cmpstr (sd_secret_store_get_name (store), ==, "memory");
  g_assert_null (sd_secret_store_lookup (store, "p", &error));
  g_assert_no_error (error);
  g_assert_true (sd_secret_store_save (store, "p", "s3cret", &error));
  password = sd_secret_store_lookup (store, "p", &error);
  g_assert_cmpstr (password, ==, "s3cret");
  g_free (password);
  g_assert_true (sd_secret_store_delete (store, "p", &error));
  g_assert_null (sd_secret_store_lookup (store, "p", &error));
  g_assert_true (sd_secret_store_delete (store, "p", &error));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SD_SECRET_STORE", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/profiles/round-trip", test_round_trip);
  ADD ("/profiles/bad-names", test_bad_names);
  ADD ("/profiles/rename-remove", test_rename_remove);
  ADD ("/profiles/two-writers", test_two_writers);
  ADD ("/profiles/corrupt-kept-aside", test_corrupt);
  ADD ("/profiles/newer-format-read-only", test_newer_format);
  ADD ("/profiles/export-import", test_export_import);
#undef ADD
  g_test_add_func ("/profiles/secret-store/memory", test_secret_store);
  return g_test_run ();
}

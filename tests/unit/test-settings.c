/* test-settings.c: what is refused before anything connects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-session.h"

static void
set_str (char       **slot,
         const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static SdSettings *
valid_settings (void)
{
  SdSettings *settings = sd_settings_new ();
  const char *to[] = { "bob@example.com", NULL };

  settings->host = g_strdup ("127.0.0.1");
  settings->from = g_strdup ("alice@example.com");
  settings->to = g_strdupv ((char **) to);
  return settings;
}

static void
assert_invalid (SdSettings *settings,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_settings_validate (settings, &error));
  g_assert_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, fragment));
  g_assert_cmpint (sd_session_error_exit_code (error), ==, 1);
}

static void
test_valid (void)
{
  g_autoptr(SdSettings) settings = valid_settings ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_settings_validate (settings, &error));
  g_assert_no_error (error);
}

typedef struct {
  const char *field;
  const char *value;
  const char *fragment;
} CrlfCase;

static void
test_crlf (void)
{
  static const CrlfCase cases[] = {
    { "from", "a@example.com\r\nRCPT TO:<x@evil>", "line break" },
    { "to", "b@example.com\nDATA", "line break" },
    { "subject", "hi\r\nBcc: x@evil", "line break" },
    { "user", "bob\r\nMAIL FROM:<x>", "line break" },
    { "ehlo", "host\r\nMAIL FROM:<x>", "line break" },
    { "host", "mail\nexample", "line break" },
    { "ehlo", "host name", "not a domain" },
    { "from", "Alice <a@example.com>", "not a plain address" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdSettings) settings = valid_settings ();

      if (g_str_equal (cases[i].field, "from"))
        set_str (&settings->from, cases[i].value);
      else if (g_str_equal (cases[i].field, "to"))
        set_str (&settings->to[0], cases[i].value);
      else if (g_str_equal (cases[i].field, "subject"))
        set_str (&settings->subject, cases[i].value);
      else if (g_str_equal (cases[i].field, "user"))
        {
          set_str (&settings->user, cases[i].value);
          settings->password = g_strdup ("pw");
        }
      else if (g_str_equal (cases[i].field, "ehlo"))
        set_str (&settings->ehlo_name, cases[i].value);
      else if (g_str_equal (cases[i].field, "host"))
        set_str (&settings->host, cases[i].value);
      assert_invalid (settings, cases[i].fragment);
    }
}

static void
test_missing (void)
{
  g_autoptr(SdSettings) no_host = valid_settings ();
  g_autoptr(SdSettings) no_to = valid_settings ();
  g_autoptr(SdSettings) no_password = valid_settings ();
  g_autoptr(SdSettings) bad_auth = valid_settings ();
  g_autoptr(SdSettings) probe = valid_settings ();
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&no_host->host, g_free);
  assert_invalid (no_host, "No server");

  g_clear_pointer (&no_to->to, g_strfreev);
  assert_invalid (no_to, "No recipient");

  no_password->user = g_strdup ("bob");
  assert_invalid (no_password, "no password");

  set_str (&bad_auth->auth, "digest-md5");
  assert_invalid (bad_auth, "Unknown authentication");

  /* Stopping before MAIL needs no envelope. */
  g_clear_pointer (&probe->from, g_free);
  g_clear_pointer (&probe->to, g_strfreev);
  probe->has_quit_after = TRUE;
  probe->quit_after = SD_STAGE_EHLO;
  g_assert_true (sd_settings_validate (probe, &error));
}

static void
test_pin (void)
{
  g_autoptr(SdSettings) settings = valid_settings ();
  g_autoptr(GError) error = NULL;

  settings->tls_verify = SD_TLS_PIN;
  settings->tls_pin = g_strdup ("abcd");
  assert_invalid (settings, "64 hex");

  set_str (&settings->tls_pin, "AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
                                 "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89");
  g_assert_true (sd_settings_validate (settings, &error));
}

static void
test_ports (void)
{
  g_autoptr(SdSettings) settings = valid_settings ();
  static const struct { const char *name; guint16 port; } modes[] = {
    { "none", 25 }, { "starttls", 587 }, { "starttls-optional", 587 }, { "tls", 465 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_assert_true (sd_security_from_string (modes[i].name, &settings->security));
      g_assert_cmpstr (sd_security_to_string (settings->security), ==, modes[i].name);
      g_assert_cmpuint (sd_settings_get_port (settings), ==, modes[i].port);
    }
  settings->port = 2525;
  g_assert_cmpuint (sd_settings_get_port (settings), ==, 2525);
  g_assert_false (sd_security_from_string ("ssl", &settings->security));
}

static void
test_escape (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "250 OK", "250 OK" },
    { "235 \x1b[32mAuthenticated", "235 \\x1B[32mAuthenticated" },
    { "a\rb", "a\\x0Db" },
    { "bad \xff utf8", "bad \\xFF utf8" },
    { "rl\xe2\x80\xaeo", "rl\\u{202E}o" },
    { "Grüße <b>x</b>", "Grüße <b>x</b>" },
    { "back\\slash", "back\\\\slash" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = sd_text_escape (cases[i].in);
      g_assert_cmpstr (escaped, ==, cases[i].out);
    }
}

static void
test_stages (void)
{
  SdStage stage;

  for (guint i = 0; i < SD_N_STAGES; i++)
    {
      g_assert_true (sd_stage_from_string (sd_stage_to_string (i), &stage));
      g_assert_cmpuint (stage, ==, i);
    }
  g_assert_false (sd_stage_from_string ("helo", &stage));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/settings/valid", test_valid);
  g_test_add_func ("/core/settings/crlf-injection", test_crlf);
  g_test_add_func ("/core/settings/missing", test_missing);
  g_test_add_func ("/core/settings/pin", test_pin);
  g_test_add_func ("/core/settings/ports", test_ports);
  g_test_add_func ("/core/text/escape", test_escape);
  g_test_add_func ("/core/stage/names", test_stages);
  return g_test_run ();
}

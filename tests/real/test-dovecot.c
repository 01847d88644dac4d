/* test-dovecot.c: XOAUTH2 and OAUTHBEARER against a real Dovecot from Debian on loopback
 *
 * tests/dovecot/dovecot-ctl.sh starts a throwaway submission service whose oauth2 passdb
 * validates bearer tokens locally as HS256 JWTs; this test signs its own tokens with the
 * key the script made. Accepted mail is relayed to our built-in server, started here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#include "sd-hints.h"
#include "sd-server.h"
#include "sd-session.h"
#include "sd-test-daemon.h"

#define CTL_SCRIPT "dovecot/dovecot-ctl.sh"
#define USER "tester@example.test"

static char     *state_dir;
static guint16   port;
static GBytes   *jwt_key;
static SdServer *relay;

static char *
base64url (const guchar *data,
           gsize         len)
{
  g_autofree char *b64 = g_base64_encode (data, len);
  GString *out = g_string_new (NULL);

  for (const char *p = b64; *p && *p != '='; p++)
    g_string_append_c (out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
  return g_string_free (out, FALSE);
}

/* An HS256 JWT for @sub valid from now until @lifetime_s (negative: already expired);
 * @key NULL signs with a key Dovecot does not know. */
static char *
make_token (const char *sub,
            gint64      lifetime_s,
            GBytes     *key)
{
  static const guchar other_key[32] = { 1, 2, 3 };
  const char *header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *payload = g_strdup_printf ("{\"sub\":\"%s\",\"iat\":%" G_GINT64_FORMAT
                                              ",\"exp\":%" G_GINT64_FORMAT "}",
                                              sub, lifetime_s < 0 ? now - 7200 : now,
                                              now + lifetime_s);
  g_autofree char *h = base64url ((const guchar *) header, strlen (header));
  g_autofree char *p = base64url ((const guchar *) payload, strlen (payload));
  g_autofree char *signing_input = g_strdup_printf ("%s.%s", h, p);
  g_autoptr(GHmac) hmac = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *sig = NULL;

  if (key != NULL)
    hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  else
    hmac = g_hmac_new (G_CHECKSUM_SHA256, other_key, sizeof other_key);
  g_hmac_update (hmac, (const guchar *) signing_input, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);
  sig = base64url (digest, digest_len);
  return g_strdup_printf ("%s.%s", signing_input, sig);
}

static gboolean
dovecot_start (GError **error)
{
  g_autoptr(SdServerConfig) config = sd_server_config_new ();
  g_autofree char *port_text = NULL;
  g_autofree char *relay_text = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *key_b64 = NULL;
  guchar *key;
  gsize key_len;

  config->starttls = FALSE;
  config->idle_timeout_s = 30;
  relay = sd_server_new (config);
  if (!sd_server_start (relay, error))
    return FALSE;

  port = sd_test_free_port ();
  port_text = g_strdup_printf ("%u", port);
  relay_text = g_strdup_printf ("%u", sd_server_get_port (relay));
  state_dir = g_dir_make_tmp ("sd-dovecot-XXXXXX", error);
  if (state_dir == NULL)
    return FALSE;
  if (!sd_test_daemon_ctl (CTL_SCRIPT, error, "start", state_dir, port_text, relay_text, NULL))
    return FALSE;

  key_file = g_build_filename (state_dir, "jwt-key.b64", NULL);
  if (!g_file_get_contents (key_file, &key_b64, NULL, error))
    return FALSE;
  key = g_base64_decode (g_strstrip (key_b64), &key_len);
  jwt_key = g_bytes_new_take (key, key_len);
  return TRUE;
}

static void
dovecot_stop (void)
{
  if (state_dir != NULL)
    sd_test_daemon_ctl (CTL_SCRIPT, NULL, "stop", state_dir, NULL);
  if (relay != NULL)
    sd_server_stop (relay);
  g_clear_object (&relay);
  g_clear_pointer (&jwt_key, g_bytes_unref);
  g_clear_pointer (&state_dir, g_free);
}

static SdReport *
run (const char *mechanism,
     const char *token)
{
  g_autoptr(SdSettings) settings = sd_settings_new ();
  g_autoptr(SdSession) session = NULL;
  g_autofree char *text = NULL;
  SdReport *report;

  settings->host = g_strdup ("127.0.0.1");
  settings->port = port;
  settings->security = SD_SECURITY_STARTTLS;
  settings->tls_ca_file = g_build_filename (state_dir, "cert.pem", NULL);
  g_free (settings->auth);
  settings->auth = g_strdup (mechanism);
  settings->user = g_strdup (USER);
  settings->oauth_token = g_strdup (token);
  settings->from = g_strdup (USER);
  settings->to = g_strsplit ("someone@elsewhere.test", ",", -1);
  settings->timeout_s = 10;
  session = sd_session_new (settings);
  report = sd_session_run (session, NULL, NULL, NULL);
  g_ptr_array_extend_and_steal (report->hints, sd_diagnose_report (report));
  text = sd_report_to_text (report, report->hints);
  g_test_message ("%s", text);
  return report;
}

/* A valid token logs in, and the message reaches the relay behind Dovecot. */
static void
test_valid_token (gconstpointer data)
{
  const char *mechanism = data;
  g_autofree char *token = make_token (USER, 600, jwt_key);
  g_autoptr(GPtrArray) before = sd_server_get_messages (relay);
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(SdReport) report = run (mechanism, token);
  const SdServerMessage *last;

  g_assert_true (report->ok);
  g_assert_true (sd_capabilities_has_auth (report->caps_after_tls, mechanism));
  g_assert_cmpint (g_ascii_strcasecmp (report->auth_mechanism, mechanism), ==, 0);
  after = sd_server_get_messages (relay);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  last = after->pdata[after->len - 1];
  g_assert_cmpstr (last->mail_from, ==, USER);
}

/* Dovecot answers a bad token with the RFC 7628 error challenge, then 535. Its status is
 * Google's "401" for XOAUTH2 and RFC 7628's "invalid_token" for OAUTHBEARER. */
static void
assert_token_rejected (const SdReport *report,
                       const char     *first_hint)
{
  gboolean xoauth2 = g_ascii_strcasecmp (report->auth_mechanism, "XOAUTH2") == 0;

  g_assert_false (report->ok);
  g_assert_cmpstr (sd_stage_to_string (report->stage), ==, "auth");
  g_assert_cmpuint (report->reply->code, ==, 535);
  g_assert_cmpstr (report->auth_oauth_status, ==, xoauth2 ? "401" : "invalid_token");
  g_assert_cmpuint (report->hints->len, >, 0);
  g_assert_cmpstr (((SdHint *) report->hints->pdata[0])->id, ==, first_hint);
}

static void
test_bad_signature (gconstpointer data)
{
  g_autofree char *token = make_token (USER, 600, NULL);
  g_autoptr(SdReport) report = run (data, token);

  assert_token_rejected (report, "oauth-token-rejected");
}

static void
test_expired (gconstpointer data)
{
  g_autofree char *token = make_token (USER, -3600, jwt_key);
  g_autoptr(SdReport) report = run (data, token);

  /* Our own reading of the token (exp) names the cause before the server's 401 does. */
  assert_token_rejected (report, "oauth-token-expired");
}

static void
test_other_user (gconstpointer data)
{
  g_autofree char *token = make_token ("mallory@example.test", 600, jwt_key);
  g_autoptr(SdReport) report = run (data, token);

  assert_token_rejected (report, "oauth-token-rejected");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *mechanisms[] = { "xoauth2", "oauthbearer" };
  int status;

  g_test_init (&argc, &argv, NULL);

  if (!dovecot_start (&error))
    {
      /* Only when Dovecot truly cannot start here; .ci/run installs it and runs as root. */
      printf ("1..0 # SKIP Dovecot could not be started: %s\n", error->message);
      dovecot_stop ();
      return 77;
    }

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      g_autofree char *valid = g_strdup_printf ("/dovecot/%s/valid-token", mechanisms[i]);
      g_autofree char *bad = g_strdup_printf ("/dovecot/%s/bad-signature", mechanisms[i]);
      g_autofree char *expired = g_strdup_printf ("/dovecot/%s/expired", mechanisms[i]);
      g_autofree char *other = g_strdup_printf ("/dovecot/%s/other-user", mechanisms[i]);

      g_test_add_data_func (valid, mechanisms[i], test_valid_token);
      g_test_add_data_func (bad, mechanisms[i], test_bad_signature);
      g_test_add_data_func (expired, mechanisms[i], test_expired);
      g_test_add_data_func (other, mechanisms[i], test_other_user);
    }

  status = g_test_run ();
  dovecot_stop ();
  return status;
}

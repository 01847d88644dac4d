/* test-oauth.c: the device authorization grant, refresh and the token store, against
 * the scripted identity provider on 127.0.0.1
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "sd-oauth.h"
#include "sd-oauth-store.h"
#include "sd-test-idp.h"

/* One polling "second" in these tests. */
#define UNIT_MS 40
#define TENANT "11111111-2222-3333-4444-555555555555"

#define DEVICE_ANSWER(interval, expires) \
  "{\"device_code\":\"dev-code-1\",\"user_code\":\"ABCD-EFGH\"," \
  "\"verification_uri\":\"https://microsoft.com/devicelogin\"," \
  "\"expires_in\":" #expires ",\"interval\":" #interval "," \
  "\"message\":\"To sign in, use a web browser\"}"
#define PENDING "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: pending\"}"
#define TOKEN_ANSWER \
  "{\"token_type\":\"Bearer\",\"scope\":\"https://outlook.office.com/SMTP.Send\"," \
  "\"expires_in\":3599,\"access_token\":\"access-1\",\"refresh_token\":\"refresh-1\"}"

typedef struct {
  SdTestIdp      *idp;
  SdOAuthAccount *account;
  GMainLoop      *loop;
  GArray         *intervals;   /* what each code notice said */
  char           *user_code;
  char           *uri;
  SdOAuthToken   *token;
  GError         *error;
  GCancellable   *cancellable;
  gboolean        cancel_on_code;
  GThread        *code_thread;   /* where the last code notice ran */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->idp = sd_test_idp_new ();
  g_setenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE", sd_test_idp_get_base (f->idp), TRUE);
  g_setenv ("SMTP_DOCTOR_OAUTH_TEST_SECOND_MS", G_STRINGIFY (UNIT_MS), TRUE);
  f->account = sd_oauth_account_new (SD_OAUTH_PROVIDER_MICROSOFT);
  f->account->tenant = g_strdup (TENANT);
  f->account->client_id = g_strdup ("client-app-1");
  f->account->user = g_strdup ("Alice@Example.com");
  f->loop = g_main_loop_new (NULL, FALSE);
  f->intervals = g_array_new (FALSE, FALSE, sizeof (guint));
  f->cancellable = g_cancellable_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE");
  g_unsetenv ("SMTP_DOCTOR_OAUTH_TEST_SECOND_MS");
  sd_test_idp_free (f->idp);
  sd_oauth_account_free (f->account);
  g_main_loop_unref (f->loop);
  g_array_unref (f->intervals);
  g_free (f->user_code);
  g_free (f->uri);
  sd_oauth_token_free (f->token);
  g_clear_error (&f->error);
  g_object_unref (f->cancellable);
}

static void
on_code (const SdOAuthDeviceCode *code,
         gpointer                 user_data)
{
  Fixture *f = user_data;

  f->code_thread = g_thread_self ();
  g_free (f->user_code);
  f->user_code = g_strdup (code->user_code);
  g_free (f->uri);
  f->uri = g_strdup (code->verification_uri);
  g_array_append_val (f->intervals, code->interval_s);
  if (f->cancel_on_code)
    g_cancellable_cancel (f->cancellable);
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Fixture *f = user_data;

  f->token = sd_oauth_sign_in_finish (result, &f->error);
  g_main_loop_quit (f->loop);
}

static void
sign_in (Fixture *f)
{
  sd_oauth_sign_in_async (f->account, on_code, f, NULL, f->cancellable, on_signed_in, f);
  g_main_loop_run (f->loop);
}

static void
test_pending_then_success (Fixture *f, gconstpointer data)
{
  const SdTestIdpRequest *request;

  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 400, PENDING);
  sd_test_idp_push (f->idp, "token", 400, PENDING);
  sd_test_idp_push (f->idp, "token", 200, TOKEN_ANSWER);
  sign_in (f);

  g_assert_no_error (f->error);
  g_assert_nonnull (f->token);
  g_assert_cmpstr (f->token->access_token, ==, "access-1");
  g_assert_cmpstr (f->token->refresh_token, ==, "refresh-1");
  g_assert_cmpint (f->token->expires_at, >, g_get_real_time () / G_USEC_PER_SEC + 3500);
  g_assert_cmpstr (f->user_code, ==, "ABCD-EFGH");
  g_assert_cmpstr (f->uri, ==, "https://microsoft.com/devicelogin");
  g_assert_cmpuint (f->intervals->len, ==, 1);
  g_assert_cmpuint (sd_test_idp_count (f->idp, "token"), ==, 3);

  request = sd_test_idp_get_request (f->idp, "devicecode", 0);
  g_assert_cmpstr (request->path, ==, "/" TENANT "/oauth2/v2.0/devicecode");
  g_assert_true (sd_test_idp_form_has (request->body, "client_id", "client-app-1"));
  g_assert_true (sd_test_idp_form_has (request->body, "scope",
                                       "https://outlook.office.com/SMTP.Send offline_access"));
  request = sd_test_idp_get_request (f->idp, "token", 2);
  g_assert_cmpstr (request->path, ==, "/" TENANT "/oauth2/v2.0/token");
  g_assert_true (sd_test_idp_form_has (request->body, "grant_type",
                                       "urn:ietf:params:oauth:grant-type:device_code"));
  g_assert_true (sd_test_idp_form_has (request->body, "device_code", "dev-code-1"));
  g_assert_false (sd_test_idp_form_has (request->body, "client_secret", ""));
}

/* The code notice runs where the caller iterates its context, never in the worker, even
 * when the caller leaves the context free between iterations (as a GTK test does). */
static void
test_code_on_callers_thread (Fixture *f, gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 200, TOKEN_ANSWER);
  sd_oauth_sign_in_async (f->account, on_code, f, NULL, f->cancellable, on_signed_in, f);
  /* Nobody owns the context while this sleeps: the worker's answer arrives meanwhile. */
  while (sd_test_idp_count (f->idp, "devicecode") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }
  g_usleep (100 * 1000);
  g_assert_null (f->code_thread);
  g_main_loop_run (f->loop);

  g_assert_no_error (f->error);
  g_assert_cmpstr (f->user_code, ==, "ABCD-EFGH");
  g_assert_true (f->code_thread == g_thread_self ());
}

static void
test_slow_down (Fixture *f, gconstpointer data)
{
  const SdTestIdpRequest *first, *second, *third;

  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 400, PENDING);
  sd_test_idp_push (f->idp, "token", 400, "{\"error\":\"slow_down\"}");
  sd_test_idp_push (f->idp, "token", 200, TOKEN_ANSWER);
  sign_in (f);

  g_assert_no_error (f->error);
  g_assert_cmpuint (f->intervals->len, ==, 2);
  g_assert_cmpuint (g_array_index (f->intervals, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (f->intervals, guint, 1), ==, 6);
  first = sd_test_idp_get_request (f->idp, "token", 0);
  second = sd_test_idp_get_request (f->idp, "token", 1);
  third = sd_test_idp_get_request (f->idp, "token", 2);
  /* One unit before slow_down, six after. */
  g_assert_cmpint (second->at_us - first->at_us, <, 5 * UNIT_MS * 1000);
  g_assert_cmpint (third->at_us - second->at_us, >=, 6 * UNIT_MS * 1000);
}

static void
test_expired_token (Fixture *f, gconstpointer data)
{
  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 400, "{\"error\":\"expired_token\"}");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_EXPIRED);
  g_assert_null (f->token);
}

static void
test_access_denied (Fixture *f, gconstpointer data)
{
  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 400, PENDING);
  sd_test_idp_push (f->idp, "token", 400,
                    "{\"error\":\"access_denied\",\"error_description\":\"AADSTS70000: the user "
                    "declined\\r\\nTrace ID: 1\"}");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_DENIED);
  g_assert_nonnull (strstr (f->error->message, "AADSTS70000: the user declined"));
  g_assert_null (strstr (f->error->message, "Trace ID"));
}

static void
test_code_lifetime (Fixture *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();

  /* Pending for ever: the code's own lifetime (3 units) ends the wait. */
  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 3));
  for (guint i = 0; i < 10; i++)
    sd_test_idp_push (f->idp, "token", 400, PENDING);
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_EXPIRED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (sd_test_idp_count (f->idp, "token"), <=, 3);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();

  /* A long interval: only the cancel can end this quickly. */
  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (100, 600));
  f->cancel_on_code = TRUE;
  sign_in (f);
  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (sd_test_idp_count (f->idp, "token"), ==, 0);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  sd_test_idp_push (f->idp, "devicecode", 200, DEVICE_ANSWER (1, 60));
  sd_test_idp_push (f->idp, "token", 200, "{\"access_token\": \"abc\", ");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED);
  g_assert_null (strstr (f->error->message, "abc"));
}

static void
test_malformed_device_answer (Fixture *f, gconstpointer data)
{
  sd_test_idp_push (f->idp, "devicecode", 200, "{\"device_code\":\"x\"}");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_MALFORMED);
  g_assert_cmpuint (f->intervals->len, ==, 0);
}

static void
test_device_refused (Fixture *f, gconstpointer data)
{
  sd_test_idp_push (f->idp, "devicecode", 400,
                    "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000218: "
                    "the app is not a public client\"}");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_REFUSED);
  g_assert_nonnull (strstr (f->error->message, "invalid_client"));
  g_assert_nonnull (strstr (f->error->message, "AADSTS7000218"));
}

/* What Google's device endpoint answers for https://mail.google.com/: the error says
 * what to do instead. */
static void
test_google_scope_refused (Fixture *f, gconstpointer data)
{
  f->account->provider = SD_OAUTH_PROVIDER_GOOGLE;
  f->account->client_secret = g_strdup ("s3cret");
  sd_test_idp_push (f->idp, "device/code", 400,
                    "{\"error\":\"invalid_scope\",\"error_description\":"
                    "\"Invalid device flow scope: https://mail.google.com/\"}");
  sign_in (f);
  g_assert_error (f->error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_REFUSED);
  g_assert_nonnull (strstr (f->error->message, "Invalid device flow scope"));
  g_assert_nonnull (strstr (f->error->message, "--oauth-token-env"));
  g_assert_cmpuint (f->intervals->len, ==, 0);
}

static void
test_google (Fixture *f, gconstpointer data)
{
  const SdTestIdpRequest *request;

  f->account->provider = SD_OAUTH_PROVIDER_GOOGLE;
  f->account->client_secret = g_strdup ("s3cret&=");
  sd_test_idp_push (f->idp, "device/code", 200,
                    "{\"device_code\":\"g-dev\",\"user_code\":\"GQVQ-JKEC\","
                    "\"verification_url\":\"https://www.google.com/device\","
                    "\"expires_in\":1800,\"interval\":1}");
  sd_test_idp_push (f->idp, "token", 428, PENDING);
  sd_test_idp_push (f->idp, "token", 200,
                    "{\"access_token\":\"ya29.opaque\",\"expires_in\":3599,"
                    "\"token_type\":\"Bearer\",\"refresh_token\":\"1//g-refresh\"}");
  sign_in (f);
  g_assert_no_error (f->error);
  g_assert_cmpstr (f->token->access_token, ==, "ya29.opaque");
  g_assert_cmpstr (f->uri, ==, "https://www.google.com/device");
  request = sd_test_idp_get_request (f->idp, "device/code", 0);
  g_assert_cmpstr (request->path, ==, "/device/code");
  g_assert_true (sd_test_idp_form_has (request->body, "scope", "https://mail.google.com/"));
  request = sd_test_idp_get_request (f->idp, "token", 1);
  g_assert_cmpstr (request->path, ==, "/token");
  g_assert_true (sd_test_idp_form_has (request->body, "client_secret", "s3cret&="));
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr(SdOAuthToken) kept = NULL;
  g_autoptr(SdOAuthToken) rotated = NULL;
  g_autoptr(GError) error = NULL;
  const SdTestIdpRequest *request;

  sd_test_idp_push (f->idp, "token", 200,
                    "{\"access_token\":\"access-2\",\"expires_in\":60,\"token_type\":\"Bearer\"}");
  kept = sd_oauth_refresh (f->account, "refresh-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kept->access_token, ==, "access-2");
  g_assert_cmpstr (kept->refresh_token, ==, "refresh-1");
  request = sd_test_idp_get_request (f->idp, "token", 0);
  g_assert_true (sd_test_idp_form_has (request->body, "grant_type", "refresh_token"));
  g_assert_true (sd_test_idp_form_has (request->body, "refresh_token", "refresh-1"));
  g_assert_true (sd_test_idp_form_has (request->body, "client_id", "client-app-1"));

  sd_test_idp_push (f->idp, "token", 200,
                    "{\"access_token\":\"access-3\",\"refresh_token\":\"refresh-2\"}");
  rotated = sd_oauth_refresh (f->account, "refresh-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rotated->refresh_token, ==, "refresh-2");
  g_assert_cmpint (rotated->expires_at, ==, 0);
}

static void
test_refresh_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  SdOAuthToken *token;

  sd_test_idp_push (f->idp, "token", 400,
                    "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70008: expired\"}");
  token = sd_oauth_refresh (f->account, "refresh-1", NULL, &error);
  g_assert_null (token);
  g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
}

static void
test_refresh_unreachable (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTestIdp) gone = sd_test_idp_new ();
  g_autofree char *base = g_strdup (sd_test_idp_get_base (gone));

  g_clear_pointer (&gone, sd_test_idp_free);
  g_setenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE", base, TRUE);
  g_assert_null (sd_oauth_refresh (f->account, "refresh-1", NULL, &error));
  g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NETWORK);
}

static void
test_endpoint_off_machine (Fixture *f, gconstpointer data)
{
  const char *refused[] = { "https://login.example.com", "http://10.0.0.1:8080",
                            "http://127.0.0.1.example.com", "file:///tmp", "not a url" };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_setenv ("SMTP_DOCTOR_OAUTH_TEST_ENDPOINT_BASE", refused[i], TRUE);
      g_assert_null (sd_oauth_refresh (f->account, "refresh-1", NULL, &error));
      g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT);
    }
  g_assert_cmpuint (sd_test_idp_count (f->idp, ""), ==, 0);
}

static void
test_account_validate (Fixture *f, gconstpointer data)
{
  const char *bad_tenants[] = { "", "../common", "a/b", "x?y=1", "t enant" };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_tenants); i++)
    {
      g_clear_error (&error);
      g_free (f->account->tenant);
      f->account->tenant = g_strdup (bad_tenants[i]);
      g_assert_false (sd_oauth_account_validate (f->account, &error));
      g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT);
    }
  g_free (f->account->tenant);
  f->account->tenant = g_strdup ("contoso.onmicrosoft.com");
  g_clear_error (&error);
  g_assert_true (sd_oauth_account_validate (f->account, &error));
  f->account->provider = SD_OAUTH_PROVIDER_GOOGLE;
  g_assert_false (sd_oauth_account_validate (f->account, &error));
  g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_INVALID_INPUT);
}

static void
test_store (Fixture *f, gconstpointer data)
{
  SdSecretStore *store = sd_secret_store_get_default ();
  g_autoptr(SdOAuthToken) token = sd_oauth_token_new ();
  g_autoptr(SdOAuthToken) loaded = NULL;
  g_autoptr(SdOAuthToken) fresh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = sd_oauth_store_dup_key (f->account);
  gboolean refreshed = TRUE;

  g_assert_cmpstr (sd_secret_store_get_name (store), ==, "memory");
  g_assert_cmpstr (key, ==, "microsoft:" TENANT ":client-app-1:alice@example.com");
  g_assert_null (sd_oauth_store_get_fresh (store, f->account, &refreshed, NULL, &error));
  g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  /* Valid for an hour: used as it is, no request made. */
  token->access_token = g_strdup ("access-1");
  token->refresh_token = g_strdup ("refresh-1");
  token->expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_assert_true (sd_oauth_store_save (store, f->account, token, &error));
  g_assert_no_error (error);
  loaded = sd_oauth_store_load (store, f->account, &error);
  g_assert_cmpstr (loaded->access_token, ==, "access-1");
  g_assert_cmpint (loaded->expires_at, ==, token->expires_at);
  /* Not a password of a profile named like the key. */
  g_assert_null (sd_secret_store_lookup (store, key, &error));
  fresh = sd_oauth_store_get_fresh (store, f->account, &refreshed, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (refreshed);
  g_assert_cmpstr (fresh->access_token, ==, "access-1");
  g_assert_cmpuint (sd_test_idp_count (f->idp, "token"), ==, 0);
  g_clear_pointer (&fresh, sd_oauth_token_free);

  /* Expiring in a minute: renewed, and the renewal stored. */
  token->expires_at = g_get_real_time () / G_USEC_PER_SEC + 60;
  g_assert_true (sd_oauth_store_save (store, f->account, token, &error));
  sd_test_idp_push (f->idp, "token", 200, TOKEN_ANSWER);
  fresh = sd_oauth_store_get_fresh (store, f->account, &refreshed, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (refreshed);
  g_assert_cmpuint (sd_test_idp_count (f->idp, "token"), ==, 1);
  g_clear_pointer (&loaded, sd_oauth_token_free);
  loaded = sd_oauth_store_load (store, f->account, &error);
  g_assert_cmpstr (loaded->access_token, ==, "access-1");
  g_assert_cmpint (loaded->expires_at, >, g_get_real_time () / G_USEC_PER_SEC + 3500);
  g_clear_pointer (&fresh, sd_oauth_token_free);

  /* Expired, and the refresh refused: not signed in any more. */
  token->expires_at = g_get_real_time () / G_USEC_PER_SEC - 10;
  g_assert_true (sd_oauth_store_save (store, f->account, token, &error));
  sd_test_idp_push (f->idp, "token", 400, "{\"error\":\"invalid_grant\"}");
  g_assert_null (sd_oauth_store_get_fresh (store, f->account, &refreshed, NULL, &error));
  g_assert_error (error, SD_OAUTH_ERROR, SD_OAUTH_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  g_assert_true (sd_oauth_store_delete (store, f->account, &error));
  g_clear_pointer (&loaded, sd_oauth_token_free);
  loaded = sd_oauth_store_load (store, f->account, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
}

static void
test_store_google_secret (Fixture *f, gconstpointer data)
{
  SdSecretStore *store = sd_secret_store_get_default ();
  g_autoptr(SdOAuthToken) token = sd_oauth_token_new ();
  g_autoptr(SdOAuthToken) fresh = NULL;
  g_autoptr(SdOAuthAccount) later = NULL;
  g_autoptr(GError) error = NULL;
  gboolean refreshed = FALSE;

  f->account->provider = SD_OAUTH_PROVIDER_GOOGLE;
  f->account->client_secret = g_strdup ("g-secret");
  token->access_token = g_strdup ("ya29.old");
  token->refresh_token = g_strdup ("1//refresh");
  token->expires_at = 1;
  g_assert_true (sd_oauth_store_save (store, f->account, token, &error));

  /* Later runs name only the client ID: the secret comes from the store. */
  later = sd_oauth_account_copy (f->account);
  g_clear_pointer (&later->client_secret, g_free);
  sd_test_idp_push (f->idp, "token", 200, "{\"access_token\":\"ya29.new\",\"expires_in\":3599}");
  fresh = sd_oauth_store_get_fresh (store, later, &refreshed, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (refreshed);
  g_assert_cmpstr (fresh->access_token, ==, "ya29.new");
  g_assert_true (sd_test_idp_form_has (sd_test_idp_get_request (f->idp, "token", 0)->body,
                                       "client_secret", "g-secret"));
  g_assert_true (sd_oauth_store_delete (store, later, &error));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/oauth/device/pending-then-success", test_pending_then_success);
  ADD ("/oauth/device/code-on-callers-thread", test_code_on_callers_thread);
  ADD ("/oauth/device/slow-down", test_slow_down);
  ADD ("/oauth/device/expired-token", test_expired_token);
  ADD ("/oauth/device/access-denied", test_access_denied);
  ADD ("/oauth/device/code-lifetime", test_code_lifetime);
  ADD ("/oauth/device/cancel", test_cancel);
  ADD ("/oauth/device/malformed-json", test_malformed);
  ADD ("/oauth/device/malformed-device-answer", test_malformed_device_answer);
  ADD ("/oauth/device/refused", test_device_refused);
  ADD ("/oauth/device/google", test_google);
  ADD ("/oauth/device/google-scope-refused", test_google_scope_refused);
  ADD ("/oauth/refresh/success", test_refresh);
  ADD ("/oauth/refresh/refused", test_refresh_refused);
  ADD ("/oauth/refresh/unreachable", test_refresh_unreachable);
  ADD ("/oauth/endpoint/off-machine", test_endpoint_off_machine);
  ADD ("/oauth/account/validate", test_account_validate);
  ADD ("/oauth/store", test_store);
  ADD ("/oauth/store-google-secret", test_store_google_secret);
#undef ADD

  return g_test_run ();
}

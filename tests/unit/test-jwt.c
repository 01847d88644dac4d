/* test-jwt.c: reading access tokens and the warnings for SMTP, with crafted tokens
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-jwt.h"
#include "sd-test-idp.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define TENANT "11111111-2222-3333-4444-555555555555"
#define GOOD_CLAIMS \
  "\"aud\":\"https://outlook.office.com\",\"tid\":\"" TENANT "\"," \
  "\"scp\":\"SMTP.Send User.Read\",\"upn\":\"alice@example.com\",\"app_displayname\":\"SMTP test\""

static SdJwtInfo *
inspect (const char *payload,
         SdJwtFor    purpose,
         const char *tenant)
{
  g_autofree char *token = sd_test_idp_make_jwt (payload);

  return sd_jwt_inspect (token, purpose, tenant, NOW);
}

/* The facts of the warnings, space-separated, for one comparison per test. */
static char *
facts_of (const SdJwtInfo *info)
{
  g_auto(GStrv) facts = sd_jwt_info_dup_facts (info);

  return g_strjoinv (" ", facts);
}

static void
check (const char *payload,
       const char *tenant,
       const char *expected_facts)
{
  g_autoptr(SdJwtInfo) info = inspect (payload, SD_JWT_FOR_EXCHANGE, tenant);
  g_autofree char *facts = facts_of (info);

  g_assert_true (info->is_jwt);
  g_assert_cmpstr (facts, ==, expected_facts);
}

static void
test_good (void)
{
  g_autoptr(SdJwtInfo) info = inspect ("{" GOOD_CLAIMS ",\"exp\":1700003600}", SD_JWT_FOR_EXCHANGE, TENANT);
  g_autofree char *text = sd_jwt_info_to_text (info, NOW);

  g_assert_true (info->is_jwt);
  g_assert_cmpuint (info->warnings->len, ==, 0);
  g_assert_cmpstr (info->audience, ==, "https://outlook.office.com");
  g_assert_cmpstr (info->user, ==, "alice@example.com");
  g_assert_cmpint (info->expires_at, ==, 1700003600);
  g_assert_nonnull (strstr (text, "signature is not checked"));
  g_assert_nonnull (strstr (text, "SMTP.Send User.Read"));
  g_assert_nonnull (strstr (text, "(in 60 minutes)"));
  g_assert_null (strstr (text, "Warning"));
}

/* The one warning's message, for the counts in it. */
static void
check_message (const char *payload,
               const char *expected)
{
  g_autoptr(SdJwtInfo) info = inspect (payload, SD_JWT_FOR_EXCHANGE, TENANT);
  const SdJwtWarning *warning;

  g_assert_cmpuint (info->warnings->len, ==, 1);
  warning = info->warnings->pdata[0];
  g_assert_true (g_str_has_prefix (warning->message, expected));
}

static void
test_expired (void)
{
  check ("{" GOOD_CLAIMS ",\"exp\":1699999000}", TENANT, "oauth-token-expired");
  check_message ("{" GOOD_CLAIMS ",\"exp\":1699999000}", "The token expired 16 minutes ago:");
  check_message ("{" GOOD_CLAIMS ",\"exp\":1699999940}", "The token expired 1 minute ago:");
}

static void
test_expiring (void)
{
  check ("{" GOOD_CLAIMS ",\"exp\":1700000100}", TENANT, "oauth-token-expiring");
  check_message ("{" GOOD_CLAIMS ",\"exp\":1700000100}", "The token expires in 100 seconds:");
  check_message ("{" GOOD_CLAIMS ",\"exp\":1700000001}", "The token expires in 1 second:");
}

static void
test_wrong_audience (void)
{
  check ("{\"aud\":\"https://graph.microsoft.com\",\"tid\":\"" TENANT "\","
         "\"scp\":\"SMTP.Send\",\"exp\":1700003600}", TENANT, "oauth-wrong-audience");
  /* The other accepted forms. */
  check ("{\"aud\":[\"00000002-0000-0ff1-ce00-000000000000\"],\"scp\":\"SMTP.Send\"}", NULL, "");
  check ("{\"aud\":\"https://outlook.office365.com/\",\"scp\":\"SMTP.Send\"}", NULL, "");
  check ("{\"scp\":\"SMTP.Send\"}", NULL, "oauth-wrong-audience");
}

static void
test_missing_scope (void)
{
  g_autoptr(SdJwtInfo) info = inspect ("{\"aud\":\"https://outlook.office.com\","
                                       "\"scp\":\"Mail.Send IMAP.AccessAsUser.All\"}", SD_JWT_FOR_EXCHANGE, NULL);
  g_autofree char *text = sd_jwt_info_to_text (info, NOW);

  g_assert_cmpuint (info->warnings->len, ==, 1);
  g_assert_nonnull (strstr (text, "Warning: "));
  g_assert_nonnull (strstr (text, "Mail.Send IMAP.AccessAsUser.All"));
  check ("{\"aud\":\"https://outlook.office.com\"}", NULL, "oauth-missing-scope");
  /* A scope that only contains the word is not it. */
  check ("{\"aud\":\"https://outlook.office.com\",\"scp\":\"SMTP.SendAsApp.Other\"}", NULL,
         "oauth-missing-scope");
}

static void
test_wrong_tenant (void)
{
  check ("{" GOOD_CLAIMS "}", "99999999-2222-3333-4444-555555555555", "oauth-wrong-tenant");
  /* Case does not matter; a domain or "organizations" cannot be compared with tid. */
  check ("{" GOOD_CLAIMS "}", "11111111-2222-3333-4444-555555555555", "");
  check ("{\"aud\":\"https://outlook.office.com\",\"scp\":\"SMTP.Send\","
         "\"tid\":\"AAAAAAAA-2222-3333-4444-555555555555\"}",
         "aaaaaaaa-2222-3333-4444-555555555555", "");
  check ("{" GOOD_CLAIMS "}", "contoso.onmicrosoft.com", "");
  check ("{" GOOD_CLAIMS "}", "organizations", "");
}

static void
test_app_only (void)
{
  check ("{\"aud\":\"https://outlook.office365.com\",\"roles\":[\"SMTP.SendAsApp\"]}", NULL,
         "oauth-app-only");
  check ("{\"aud\":\"https://outlook.office365.com\",\"roles\":[\"Mail.Read\"]}", NULL,
         "oauth-app-only oauth-missing-scope");
}

static void
test_several (void)
{
  check ("{\"aud\":\"https://graph.microsoft.com\",\"tid\":\"99999999-2222-3333-4444-555555555555\","
         "\"scp\":\"User.Read\",\"exp\":1600000000}", TENANT,
         "oauth-token-expired oauth-wrong-audience oauth-missing-scope oauth-wrong-tenant");
}

static void
test_google_opaque (void)
{
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect ("ya29.a0AfH6SMBx-opaque_token", SD_JWT_FOR_ANY, NULL, NOW);
  g_autofree char *text = sd_jwt_info_to_text (info, NOW);

  g_assert_false (info->is_jwt);
  g_assert_cmpuint (info->warnings->len, ==, 0);
  g_assert_nonnull (strstr (text, "opaque"));
  g_assert_null (strstr (text, "Warning"));
}

static void
test_not_microsoft (void)
{
  /* For another provider only the expiry is checked. */
  g_autoptr(SdJwtInfo) info = inspect ("{\"aud\":\"something\",\"exp\":1600000000}", SD_JWT_FOR_ANY, NULL);
  g_autofree char *facts = facts_of (info);

  g_assert_cmpstr (facts, ==, "oauth-token-expired");
}

static void
test_by_issuer (void)
{
  const char *microsoft = "{\"iss\":\"https://sts.windows.net/" TENANT "/\",\"scp\":\"Mail.Read\"}";
  const char *other = "{\"iss\":\"https://sts.windows.net.example.com/\",\"scp\":\"Mail.Read\"}";
  g_autoptr(SdJwtInfo) from_microsoft = inspect (microsoft, SD_JWT_FOR_ISSUER, NULL);
  g_autoptr(SdJwtInfo) from_other = inspect (other, SD_JWT_FOR_ISSUER, NULL);
  g_autofree char *facts = facts_of (from_microsoft);

  g_assert_cmpstr (facts, ==, "oauth-wrong-audience oauth-missing-scope");
  g_assert_cmpuint (from_other->warnings->len, ==, 0);
}

static void
test_malformed (void)
{
  const char *tokens[] = {
    "", "a.b", "a.b.c.d", "!!!.e30.sig", "e30.!!!.sig", "e30.WyJhcnJheSJd.sig",
    "e30.bm90IGpzb24.sig", "e30..sig",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(SdJwtInfo) info = sd_jwt_inspect (tokens[i], SD_JWT_FOR_EXCHANGE, TENANT, NOW);
      g_assert_false (info->is_jwt);
      g_assert_cmpuint (info->warnings->len, ==, 0);
    }
  {
    /* e30 is "{}": a JWT that says nothing is still read, and warned about. */
    g_autoptr(SdJwtInfo) info = sd_jwt_inspect ("e30.e30.sig", SD_JWT_FOR_EXCHANGE, NULL, NOW);
    g_autofree char *facts = facts_of (info);
    g_assert_true (info->is_jwt);
    g_assert_cmpstr (facts, ==, "oauth-wrong-audience oauth-missing-scope");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jwt/good", test_good);
  g_test_add_func ("/jwt/expired", test_expired);
  g_test_add_func ("/jwt/expiring", test_expiring);
  g_test_add_func ("/jwt/wrong-audience", test_wrong_audience);
  g_test_add_func ("/jwt/missing-scope", test_missing_scope);
  g_test_add_func ("/jwt/wrong-tenant", test_wrong_tenant);
  g_test_add_func ("/jwt/app-only", test_app_only);
  g_test_add_func ("/jwt/several", test_several);
  g_test_add_func ("/jwt/google-opaque", test_google_opaque);
  g_test_add_func ("/jwt/not-microsoft", test_not_microsoft);
  g_test_add_func ("/jwt/by-issuer", test_by_issuer);
  g_test_add_func ("/jwt/malformed", test_malformed);
  return g_test_run ();
}

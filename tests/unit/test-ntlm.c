/* test-ntlm.c: the NTLM codec against the MS-NLMP 4.2.4 (NTLMv2) vectors, and the
 * type 2 parser against malformed input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-auth.h"
#include "sd-ntlm.h"

/* MS-NLMP 4.2.4: user "User", domain "Domain", password "Password". */
static const guint8 server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const guint8 client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };

/* 4.2.4.3: the CHALLENGE_MESSAGE, target "Server", AV pairs NbDomain "Domain" and
 * NbComputer "Server". */
static const guint8 vector_type2[] = {
  0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00,
  0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
  0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
  0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f,
  'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0,
  0x02, 0x00, 0x0c, 0x00, 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0,
  0x01, 0x00, 0x0c, 0x00, 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0,
  0x00, 0x00, 0x00, 0x00,
};

static const guint8 expected_ntowfv2[16] = {
  0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd, 0x7a, 0x93, 0xa3, 0x00, 0x1e, 0xf2, 0x2e, 0xf0, 0x2e, 0x3f,
};
static const guint8 expected_ntproofstr[16] = {
  0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96, 0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef, 0x6a, 0x1c,
};
static const guint8 expected_lmv2[24] = {
  0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a, 0x57, 0xcc, 0xcc, 0x19,
  0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};
static const guint8 expected_session_base_key[16] = {
  0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82, 0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c, 0xa3,
};
/* MD4 ("P\0a\0s\0s\0w\0o\0r\0d\0"), MS-NLMP 4.2.2.1.2 (NTOWFv1). */
static const guint8 expected_nt_hash[16] = {
  0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca, 0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52,
};

static void
test_vector_hashes (void)
{
  guint8 nt_hash[16], ntowf[16];

  sd_ntlm_nt_hash ("Password", nt_hash);
  g_assert_cmpmem (nt_hash, 16, expected_nt_hash, 16);
  sd_ntlm_ntowfv2 (nt_hash, "User", "Domain", ntowf);
  g_assert_cmpmem (ntowf, 16, expected_ntowfv2, 16);
  /* Only the user name is upper-cased. */
  sd_ntlm_ntowfv2 (nt_hash, "user", "Domain", ntowf);
  g_assert_cmpmem (ntowf, 16, expected_ntowfv2, 16);
  sd_ntlm_ntowfv2 (nt_hash, "User", "DOMAIN", ntowf);
  g_assert_true (memcmp (ntowf, expected_ntowfv2, 16) != 0);
}

static void
test_vector_responses (void)
{
  g_autoptr(SdNtlmChallenge) c = NULL;
  g_autoptr(GBytes) nt = NULL;
  g_autoptr(GError) error = NULL;
  guint8 nt_hash[16], ntowf[16], lm[24], key[16];
  const guint8 *nt_data;
  gsize nt_len;

  c = sd_ntlm_challenge_parse (vector_type2, sizeof vector_type2, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (c->server_challenge, 8, server_challenge, 8);
  g_assert_false (c->has_timestamp);

  sd_ntlm_nt_hash ("Password", nt_hash);
  sd_ntlm_ntowfv2 (nt_hash, "User", "Domain", ntowf);
  sd_ntlm_v2_responses (ntowf, c->server_challenge, client_challenge, 0, c->target_info,
                        FALSE, &nt, lm, key);
  nt_data = g_bytes_get_data (nt, &nt_len);
  g_assert_cmpuint (nt_len, ==, 16 + 28 + 36 + 4);
  g_assert_cmpmem (nt_data, 16, expected_ntproofstr, 16);
  g_assert_cmpmem (lm, 24, expected_lmv2, 24);
  g_assert_cmpmem (key, 16, expected_session_base_key, 16);

  /* With a server timestamp the LMv2 response is zero. */
  g_clear_pointer (&nt, g_bytes_unref);
  sd_ntlm_v2_responses (ntowf, c->server_challenge, client_challenge, 0, c->target_info,
                        TRUE, &nt, lm, key);
  for (guint i = 0; i < 24; i++)
    g_assert_cmpuint (lm[i], ==, 0);
}

/* 4.2.4.4: the AUTHENTICATE_MESSAGE's LM, NT, domain and user fields (ours has no
 * version, MIC or session key, so the layout differs but the payloads must not). */
static const guint8 *
field (const guint8 *msg,
       gsize         len,
       gsize         at,
       gsize        *field_len)
{
  guint16 flen = msg[at] | (msg[at + 1] << 8);
  guint32 offset = msg[at + 4] | (msg[at + 5] << 8) | (msg[at + 6] << 16) |
                   ((guint32) msg[at + 7] << 24);

  g_assert_cmpuint ((guint64) offset + flen, <=, len);
  *field_len = flen;
  return msg + offset;
}

static void
test_vector_authenticate (void)
{
  g_autoptr(SdNtlmChallenge) c = sd_ntlm_challenge_parse (vector_type2, sizeof vector_type2,
                                                          NULL);
  g_autoptr(GBytes) msg = sd_ntlm_authenticate_new (c, "User", "Domain", "Password",
                                                    "COMPUTER", client_challenge, 0);
  gsize len, flen;
  const guint8 *data = g_bytes_get_data (msg, &len);
  const guint8 *f;
  static const guint8 domain16[] = { 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0 };
  static const guint8 user16[] = { 'U', 0, 's', 0, 'e', 0, 'r', 0 };

  g_assert_cmpmem (data, 8, "NTLMSSP", 8);
  g_assert_cmpuint (data[8], ==, 3);
  f = field (data, len, 12, &flen);
  g_assert_cmpmem (f, flen, expected_lmv2, 24);
  f = field (data, len, 20, &flen);
  g_assert_cmpmem (f, 16, expected_ntproofstr, 16);
  f = field (data, len, 28, &flen);
  g_assert_cmpmem (f, flen, domain16, sizeof domain16);
  f = field (data, len, 36, &flen);
  g_assert_cmpmem (f, flen, user16, sizeof user16);
}

static void
test_describe (void)
{
  g_autoptr(SdNtlmChallenge) c = sd_ntlm_challenge_parse (vector_type2, sizeof vector_type2,
                                                          NULL);
  g_autofree char *text = sd_ntlm_challenge_describe (c);

  g_assert_nonnull (strstr (text, "target \"Server\""));
  g_assert_nonnull (strstr (text, "NetBIOS computer \"Server\""));
  g_assert_nonnull (strstr (text, "NetBIOS domain \"Domain\""));
  g_assert_nonnull (strstr (text, "Windows 6.0 build 6000"));
  g_assert_nonnull (strstr (text, "Unicode"));
  g_assert_nonnull (strstr (text, "extended session security"));
  g_assert_nonnull (strstr (text, "target info"));
}

static void
assert_malformed (const guint8 *data,
                  gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdNtlmChallenge) c = sd_ntlm_challenge_parse (data, len, &error);

  g_assert_null (c);
  g_assert_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE);
}

static void
test_malformed (void)
{
  guint8 copy[sizeof vector_type2];

  /* Every truncation. */
  for (gsize n = 0; n < sizeof vector_type2; n++)
    assert_malformed (vector_type2, n);

  /* Target name offset out of range, and huge. */
  memcpy (copy, vector_type2, sizeof copy);
  copy[16] = sizeof copy - 4;
  assert_malformed (copy, sizeof copy);
  memcpy (copy, vector_type2, sizeof copy);
  copy[19] = 0xff;
  assert_malformed (copy, sizeof copy);

  /* Target info longer than the message. */
  memcpy (copy, vector_type2, sizeof copy);
  copy[40] = 0x30;
  assert_malformed (copy, sizeof copy);

  /* An AV pair running past the target info. */
  memcpy (copy, vector_type2, sizeof copy);
  copy[0x44 + 2] = 0x40;
  assert_malformed (copy, sizeof copy);

  /* No MsvAvEOL: the last pair's id changed to an unknown one. */
  memcpy (copy, vector_type2, sizeof copy);
  copy[sizeof copy - 4] = 0x09;
  assert_malformed (copy, sizeof copy);

  /* Wrong signature, wrong type. */
  memcpy (copy, vector_type2, sizeof copy);
  copy[0] = 'X';
  assert_malformed (copy, sizeof copy);
  memcpy (copy, vector_type2, sizeof copy);
  copy[8] = 3;
  assert_malformed (copy, sizeof copy);
}

static void
test_split_user (void)
{
  struct { const char *in, *user, *domain; } cases[] = {
    { "DOMAIN\\user", "user", "DOMAIN" },
    { "user@example.com", "user@example.com", "" },
    { "user", "user", "" },
    { "\\user", "user", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *user = NULL;
      g_autofree char *domain = NULL;
      sd_ntlm_split_user (cases[i].in, &user, &domain);
      g_assert_cmpstr (user, ==, cases[i].user);
      g_assert_cmpstr (domain, ==, cases[i].domain);
    }
}

static void
test_negotiate (void)
{
  g_autoptr(GBytes) msg = sd_ntlm_negotiate_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (msg, &len);

  g_assert_cmpuint (len, ==, 32);
  g_assert_cmpmem (data, 8, "NTLMSSP", 8);
  g_assert_cmpuint (data[8], ==, 1);
  g_assert_cmpuint (data[12] & SD_NTLM_NEGOTIATE_UNICODE, !=, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/ntlm/vector/hashes", test_vector_hashes);
  g_test_add_func ("/core/ntlm/vector/responses", test_vector_responses);
  g_test_add_func ("/core/ntlm/vector/authenticate", test_vector_authenticate);
  g_test_add_func ("/core/ntlm/describe", test_describe);
  g_test_add_func ("/core/ntlm/malformed", test_malformed);
  g_test_add_func ("/core/ntlm/split-user", test_split_user);
  g_test_add_func ("/core/ntlm/negotiate", test_negotiate);

  return g_test_run ();
}

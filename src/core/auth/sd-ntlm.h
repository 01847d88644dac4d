/* sd-ntlm.h: the NTLMSSP messages (MS-NLMP) and NTLMv2 responses, without any I/O
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Flag bits of MS-NLMP 2.2.2.5 that we send or describe. */
#define SD_NTLM_NEGOTIATE_UNICODE         0x00000001u
#define SD_NTLM_NEGOTIATE_OEM             0x00000002u
#define SD_NTLM_REQUEST_TARGET            0x00000004u
#define SD_NTLM_NEGOTIATE_SIGN            0x00000010u
#define SD_NTLM_NEGOTIATE_SEAL            0x00000020u
#define SD_NTLM_NEGOTIATE_LM_KEY          0x00000080u
#define SD_NTLM_NEGOTIATE_NTLM            0x00000200u
#define SD_NTLM_NEGOTIATE_ALWAYS_SIGN     0x00008000u
#define SD_NTLM_TARGET_TYPE_DOMAIN        0x00010000u
#define SD_NTLM_TARGET_TYPE_SERVER        0x00020000u
#define SD_NTLM_NEGOTIATE_EXTENDED_SECURITY 0x00080000u
#define SD_NTLM_NEGOTIATE_TARGET_INFO     0x00800000u
#define SD_NTLM_NEGOTIATE_VERSION         0x02000000u
#define SD_NTLM_NEGOTIATE_128             0x20000000u
#define SD_NTLM_NEGOTIATE_KEY_EXCH        0x40000000u
#define SD_NTLM_NEGOTIATE_56              0x80000000u

/* A parsed CHALLENGE_MESSAGE (type 2). Strings are UTF-8, NULL when absent. */
typedef struct {
  guint32   flags;
  guint8    server_challenge[8];
  char     *target_name;
  char     *nb_computer;
  char     *nb_domain;
  char     *dns_computer;
  char     *dns_domain;
  char     *dns_tree;
  gboolean  has_timestamp;
  guint64   timestamp;        /* FILETIME: 100 ns since 1601 */
  GBytes   *target_info;      /* the raw AV pairs, NULL when absent */
  gboolean  has_version;
  guint8    version[8];
} SdNtlmChallenge;

/* NEGOTIATE_MESSAGE (type 1), without domain or workstation. */
GBytes          *sd_ntlm_negotiate_new      (void);
/* Strict: every offset and length inside @len, AV pairs terminated, sizes capped.
 * Errors are SD_AUTH_ERROR_BAD_CHALLENGE. */
SdNtlmChallenge *sd_ntlm_challenge_parse    (const guint8  *data,
                                             gsize          len,
                                             GError       **error);
void             sd_ntlm_challenge_free     (SdNtlmChallenge *challenge);
/* One line for the transcript: target, names, server time and flags in words. */
char            *sd_ntlm_challenge_describe (const SdNtlmChallenge *challenge);
char            *sd_ntlm_flags_to_string    (guint32 flags);

/* MD4 (UTF-16LE (password)). */
void             sd_ntlm_nt_hash            (const char *password,
                                             guint8      out[16]);
/* NTOWFv2: HMAC-MD5 (nt_hash, UTF-16LE (UPPER (user) + domain)). */
void             sd_ntlm_ntowfv2            (const guint8  nt_hash[16],
                                             const char   *user,
                                             const char   *domain,
                                             guint8        out[16]);
/* MS-NLMP 3.3.2. @nt_response gets NTProofStr + blob (transfer full); @lm_response
 * is all zero when @zero_lm (the server sent MsvAvTimestamp). */
void             sd_ntlm_v2_responses       (const guint8  ntowf[16],
                                             const guint8  server_challenge[8],
                                             const guint8  client_challenge[8],
                                             guint64       timestamp,
                                             GBytes       *target_info,
                                             gboolean      zero_lm,
                                             GBytes      **nt_response,
                                             guint8        lm_response[24],
                                             guint8        session_base_key[16]);
/* AUTHENTICATE_MESSAGE (type 3), no MIC. @client_challenge and @timestamp are given so
 * the tests can use the published vectors; the mechanism passes random bytes and the
 * server's time (or ours). Wipes its own copies; the result wipes itself when freed. */
GBytes          *sd_ntlm_authenticate_new   (const SdNtlmChallenge *challenge,
                                             const char            *user,
                                             const char            *domain,
                                             const char            *password,
                                             const char            *workstation,
                                             const guint8           client_challenge[8],
                                             guint64                timestamp);
/* "DOMAIN\user" → ("user", "DOMAIN"); "user@domain" stays the user with an empty
 * domain (the UPN form, which Windows resolves itself); "user" → ("user", ""). */
void             sd_ntlm_split_user         (const char  *input,
                                             char       **user,
                                             char       **domain);
/* Microseconds since 1970 as a FILETIME. */
guint64          sd_ntlm_filetime_from_unix_us (gint64 unix_us);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdNtlmChallenge, sd_ntlm_challenge_free)

G_END_DECLS

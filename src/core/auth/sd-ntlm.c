/* sd-ntlm.c: NTLMSSP messages and NTLMv2 (MS-NLMP 2.2 and 3.3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <nettle/md4.h>

#include "sd-auth.h"
#include "sd-ntlm.h"
#include "sd-secret.h"

#define NTLM_SIGNATURE       "NTLMSSP"     /* with its NUL: 8 bytes */
#define NTLM_TYPE2_MIN       32            /* up to and including the server challenge */
#define NTLM_TYPE2_INFO_END  48            /* reserved and TargetInfo fields */
#define NTLM_TYPE2_VERSION_END 56
/* Real challenges are a few hundred bytes; a bigger one is not worth parsing. */
#define NTLM_TYPE2_MAX       4096
#define NTLM_MAX_AV_PAIRS    32

/* We ask for NTLMv2 with extended session security, Unicode, and the target info it
 * needs; no signing or sealing, since SMTP does not use the NTLM session afterwards. */
#define NTLM_CLIENT_FLAGS (SD_NTLM_NEGOTIATE_UNICODE | SD_NTLM_REQUEST_TARGET | \
                           SD_NTLM_NEGOTIATE_NTLM | SD_NTLM_NEGOTIATE_ALWAYS_SIGN | \
                           SD_NTLM_NEGOTIATE_EXTENDED_SECURITY | SD_NTLM_NEGOTIATE_128 | \
                           SD_NTLM_NEGOTIATE_56)

enum {
  AV_EOL = 0,
  AV_NB_COMPUTER = 1,
  AV_NB_DOMAIN = 2,
  AV_DNS_COMPUTER = 3,
  AV_DNS_DOMAIN = 4,
  AV_DNS_TREE = 5,
  AV_FLAGS = 6,
  AV_TIMESTAMP = 7,
};

static void
put16 (guint8  *p,
       guint16  v)
{
  p[0] = v & 0xff;
  p[1] = v >> 8;
}

static void
put32 (guint8  *p,
       guint32  v)
{
  for (guint i = 0; i < 4; i++)
    p[i] = (v >> (8 * i)) & 0xff;
}

static guint16
get16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) |
         ((guint32) p[3] << 24);
}

static guint64
get64 (const guint8 *p)
{
  return (guint64) get32 (p) | ((guint64) get32 (p + 4) << 32);
}

/* UTF-16LE bytes of @text, which the caller wipes when it is a secret. */
static guint8 *
utf16le (const char *text,
         gsize      *len)
{
  glong n = 0;
  gunichar2 *units = g_utf8_to_utf16 (text, -1, NULL, &n, NULL);
  guint8 *out;

  if (units == NULL)
    {
      /* Not UTF-8: take the bytes as Latin-1 rather than failing late. */
      n = strlen (text);
      out = g_malloc0 (2 * n + 1);
      for (glong i = 0; i < n; i++)
        out[2 * i] = (guint8) text[i];
      *len = 2 * n;
      return out;
    }
  out = g_malloc0 (2 * n + 1);
  for (glong i = 0; i < n; i++)
    put16 (out + 2 * i, units[i]);
  sd_secret_wipe (units, n * sizeof (gunichar2));
  g_free (units);
  *len = 2 * n;
  return out;
}

/* A string field of a message: UTF-16LE or OEM (taken as Latin-1); NULL if empty. */
static char *
decode_string (const guint8 *data,
               gsize         len,
               gboolean      unicode)
{
  if (len == 0)
    return NULL;
  if (unicode)
    {
      g_autofree gunichar2 *units = g_new (gunichar2, len / 2 + 1);
      char *text;

      for (gsize i = 0; i < len / 2; i++)
        units[i] = get16 (data + 2 * i);
      text = g_utf16_to_utf8 (units, len / 2, NULL, NULL, NULL);
      return text != NULL ? text : g_strdup ("(invalid UTF-16)");
    }
  return g_convert ((const char *) data, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

GBytes *
sd_ntlm_negotiate_new (void)
{
  guint8 *msg = g_malloc0 (32);

  memcpy (msg, NTLM_SIGNATURE, 8);
  put32 (msg + 8, 1);
  put32 (msg + 12, NTLM_CLIENT_FLAGS);
  /* Domain and workstation fields stay empty, with offsets at the end. */
  put32 (msg + 20, 32);
  put32 (msg + 28, 32);

  return g_bytes_new_take (msg, 32);
}

static gboolean
bad (GError    **error,
     const char *why)
{
  g_set_error (error, SD_AUTH_ERROR, SD_AUTH_ERROR_BAD_CHALLENGE,
               _("The server's NTLM challenge (type 2) is malformed: %s."), why);
  return FALSE;
}

/* A security buffer (length, max length, offset) at @at, checked against the message. */
static gboolean
get_field (const guint8  *data,
           gsize          len,
           gsize          at,
           const guint8 **field,
           gsize         *field_len)
{
  guint16 flen = get16 (data + at);
  guint32 offset = get32 (data + at + 4);

  if ((guint64) offset + flen > len)
    return FALSE;
  *field = flen > 0 ? data + offset : NULL;
  *field_len = flen;
  return TRUE;
}

static gboolean
parse_av_pairs (SdNtlmChallenge *c,
                const guint8    *data,
                gsize            len,
                GError         **error)
{
  gsize pos = 0;

  for (guint n = 0; ; n++)
    {
      guint16 id, avlen;
      const guint8 *value;
      char **slot = NULL;

      if (n >= NTLM_MAX_AV_PAIRS)
        return bad (error, _("too many target information entries"));
      if (len - pos < 4)
        return bad (error, _("the target information is not terminated"));
      id = get16 (data + pos);
      avlen = get16 (data + pos + 2);
      value = data + pos + 4;
      if (avlen > len - pos - 4)
        return bad (error, _("a target information entry runs past its end"));
      pos += 4 + avlen;

      switch (id)
        {
        case AV_EOL:
          return TRUE;
        case AV_NB_COMPUTER: slot = &c->nb_computer; break;
        case AV_NB_DOMAIN: slot = &c->nb_domain; break;
        case AV_DNS_COMPUTER: slot = &c->dns_computer; break;
        case AV_DNS_DOMAIN: slot = &c->dns_domain; break;
        case AV_DNS_TREE: slot = &c->dns_tree; break;
        case AV_TIMESTAMP:
          if (avlen != 8)
            return bad (error, _("the server time is not 8 bytes"));
          c->has_timestamp = TRUE;
          c->timestamp = get64 (value);
          break;
        default:
          break;
        }

      if (slot != NULL)
        {
          if (avlen % 2 != 0)
            return bad (error, _("a name in the target information has an odd length"));
          g_free (*slot);
          *slot = decode_string (value, avlen, TRUE);
        }
    }
}

SdNtlmChallenge *
sd_ntlm_challenge_parse (const guint8  *data,
                         gsize          len,
                         GError       **error)
{
  g_autoptr(SdNtlmChallenge) c = NULL;
  const guint8 *field;
  gsize field_len;

  if (len < NTLM_TYPE2_MIN)
    return bad (error, _("it is too short")), NULL;
  if (len > NTLM_TYPE2_MAX)
    return bad (error, _("it is too long")), NULL;
  if (memcmp (data, NTLM_SIGNATURE, 8) != 0)
    return bad (error, _("it does not start with “NTLMSSP”")), NULL;
  if (get32 (data + 8) != 2)
    return bad (error, _("it is not a type 2 message")), NULL;

  c = g_new0 (SdNtlmChallenge, 1);
  c->flags = get32 (data + 20);
  memcpy (c->server_challenge, data + 24, 8);

  if (!get_field (data, len, 12, &field, &field_len))
    return bad (error, _("the target name lies outside the message")), NULL;
  if ((c->flags & SD_NTLM_NEGOTIATE_UNICODE) && field_len % 2 != 0)
    return bad (error, _("the target name has an odd length")), NULL;
  c->target_name = decode_string (field, field_len, (c->flags & SD_NTLM_NEGOTIATE_UNICODE) != 0);

  if (c->flags & SD_NTLM_NEGOTIATE_TARGET_INFO)
    {
      if (len < NTLM_TYPE2_INFO_END)
        return bad (error, _("the target information field is missing")), NULL;
      if (!get_field (data, len, 40, &field, &field_len))
        return bad (error, _("the target information lies outside the message")), NULL;
      if (field_len > 0)
        {
          if (!parse_av_pairs (c, field, field_len, error))
            return NULL;
          c->target_info = g_bytes_new (field, field_len);
        }
    }

  if ((c->flags & SD_NTLM_NEGOTIATE_VERSION) && len >= NTLM_TYPE2_VERSION_END)
    {
      c->has_version = TRUE;
      memcpy (c->version, data + 48, 8);
    }

  return g_steal_pointer (&c);
}

void
sd_ntlm_challenge_free (SdNtlmChallenge *c)
{
  if (c == NULL)
    return;
  g_free (c->target_name);
  g_free (c->nb_computer);
  g_free (c->nb_domain);
  g_free (c->dns_computer);
  g_free (c->dns_domain);
  g_free (c->dns_tree);
  g_clear_pointer (&c->target_info, g_bytes_unref);
  g_free (c);
}

char *
sd_ntlm_flags_to_string (guint32 flags)
{
  static const struct { guint32 bit; const char *word; } names[] = {
    { SD_NTLM_NEGOTIATE_UNICODE, "Unicode" },
    { SD_NTLM_NEGOTIATE_OEM, "OEM" },
    { SD_NTLM_REQUEST_TARGET, "request target" },
    { SD_NTLM_NEGOTIATE_SIGN, "sign" },
    { SD_NTLM_NEGOTIATE_SEAL, "seal" },
    { SD_NTLM_NEGOTIATE_LM_KEY, "LM key" },
    { SD_NTLM_NEGOTIATE_NTLM, "NTLM" },
    { SD_NTLM_NEGOTIATE_ALWAYS_SIGN, "always sign" },
    { SD_NTLM_TARGET_TYPE_DOMAIN, "target is a domain" },
    { SD_NTLM_TARGET_TYPE_SERVER, "target is a server" },
    { SD_NTLM_NEGOTIATE_EXTENDED_SECURITY, "extended session security" },
    { SD_NTLM_NEGOTIATE_TARGET_INFO, "target info" },
    { SD_NTLM_NEGOTIATE_VERSION, "version" },
    { SD_NTLM_NEGOTIATE_128, "128-bit" },
    { SD_NTLM_NEGOTIATE_KEY_EXCH, "key exchange" },
    { SD_NTLM_NEGOTIATE_56, "56-bit" },
  };
  GString *str = g_string_new (NULL);
  guint32 known = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      known |= names[i].bit;
      if (flags & names[i].bit)
        g_string_append_printf (str, "%s%s", str->len ? ", " : "", names[i].word);
    }
  if (flags & ~known)
    g_string_append_printf (str, "%sother 0x%08x", str->len ? ", " : "", flags & ~known);

  return g_string_free (str, FALSE);
}

static void
append_name (GString    *str,
             const char *label,
             const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_strescape (value, NULL);
  g_string_append_printf (str, ", %s \"%s\"", label, escaped);
}

char *
sd_ntlm_challenge_describe (const SdNtlmChallenge *c)
{
  GString *str = g_string_new (_("NTLM challenge (type 2): target"));
  g_autofree char *flags = sd_ntlm_flags_to_string (c->flags);
  g_autofree char *target = c->target_name ? g_strescape (c->target_name, NULL) : NULL;

  if (target != NULL)
    g_string_append_printf (str, " \"%s\"", target);
  else
    g_string_append_printf (str, " %s", _("(none)"));
  append_name (str, _("NetBIOS computer"), c->nb_computer);
  append_name (str, _("NetBIOS domain"), c->nb_domain);
  append_name (str, _("DNS computer"), c->dns_computer);
  append_name (str, _("DNS domain"), c->dns_domain);
  append_name (str, _("DNS tree"), c->dns_tree);
  if (c->has_timestamp)
    {
      /* FILETIME to Unix seconds. */
      gint64 unix_s = (gint64) (c->timestamp / 10000000u) - G_GINT64_CONSTANT (11644473600);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (unix_s);
      g_autofree char *text = when ? g_date_time_format_iso8601 (when) : NULL;
      if (text != NULL)
        /* Translators: %s is a date and time (ISO 8601). */
        g_string_append_printf (str, _(", server time %s"), text);
    }
  if (c->has_version)
    /* Translators: the Windows version, e.g. “, Windows 10.0 build 17763”. */
    g_string_append_printf (str, _(", Windows %u.%u build %u"), c->version[0], c->version[1],
                            get16 (c->version + 2));
  /* Translators: %s lists NTLM flags (in English, as the specification names them). */
  g_string_append_printf (str, _("; flags: %s"), flags);

  return g_string_free (str, FALSE);
}

void
sd_ntlm_nt_hash (const char *password,
                 guint8      out[16])
{
  struct md4_ctx ctx;
  gsize len;
  guint8 *unicode = utf16le (password, &len);

  md4_init (&ctx);
  md4_update (&ctx, len, unicode);
  md4_digest (&ctx, 16, out);
  sd_secret_wipe (&ctx, sizeof ctx);
  sd_secret_wipe (unicode, len);
  g_free (unicode);
}

static void
hmac_md5 (const guint8 *key,
          gsize         key_len,
          const guint8 *a,
          gsize         a_len,
          const guint8 *b,
          gsize         b_len,
          guint8        out[16])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_MD5, key, key_len);
  gsize out_len = 16;

  g_hmac_update (hmac, a, a_len);
  if (b_len > 0)
    g_hmac_update (hmac, b, b_len);
  g_hmac_get_digest (hmac, out, &out_len);
}

void
sd_ntlm_ntowfv2 (const guint8  nt_hash[16],
                 const char   *user,
                 const char   *domain,
                 guint8        out[16])
{
  g_autofree char *upper = g_utf8_strup (user, -1);
  g_autofree char *both = g_strconcat (upper, domain, NULL);
  gsize len;
  guint8 *unicode = utf16le (both, &len);

  hmac_md5 (nt_hash, 16, unicode, len, NULL, 0, out);
  g_free (unicode);
}

void
sd_ntlm_v2_responses (const guint8  ntowf[16],
                      const guint8  server_challenge[8],
                      const guint8  client_challenge[8],
                      guint64       timestamp,
                      GBytes       *target_info,
                      gboolean      zero_lm,
                      GBytes      **nt_response,
                      guint8        lm_response[24],
                      guint8        session_base_key[16])
{
  gsize info_len = target_info ? g_bytes_get_size (target_info) : 0;
  /* The blob ("temp"): 0x0101, 6 reserved, time, client challenge, 4 reserved, the
   * server's AV pairs as sent, 4 reserved. */
  gsize blob_len = 28 + info_len + 4;
  guint8 *nt = g_malloc0 (16 + blob_len);
  guint8 *blob = nt + 16;
  guint8 challenges[16];

  blob[0] = 1;
  blob[1] = 1;
  put32 (blob + 8, timestamp & 0xffffffffu);
  put32 (blob + 12, timestamp >> 32);
  memcpy (blob + 16, client_challenge, 8);
  if (info_len > 0)
    memcpy (blob + 28, g_bytes_get_data (target_info, NULL), info_len);

  hmac_md5 (ntowf, 16, server_challenge, 8, blob, blob_len, nt);
  hmac_md5 (ntowf, 16, nt, 16, NULL, 0, session_base_key);

  if (zero_lm)
    memset (lm_response, 0, 24);
  else
    {
      memcpy (challenges, server_challenge, 8);
      memcpy (challenges + 8, client_challenge, 8);
      hmac_md5 (ntowf, 16, challenges, 16, NULL, 0, lm_response);
      memcpy (lm_response + 16, client_challenge, 8);
    }

  *nt_response = sd_secret_bytes_take (nt, 16 + blob_len);
}

/* Appends @data as the payload of the security buffer at @at. */
static void
put_field (GByteArray   *msg,
           gsize         at,
           const guint8 *data,
           gsize         len)
{
  put16 (msg->data + at, len);
  put16 (msg->data + at + 2, len);
  put32 (msg->data + at + 4, msg->len);
  if (len > 0)
    g_byte_array_append (msg, data, len);
}

GBytes *
sd_ntlm_authenticate_new (const SdNtlmChallenge *challenge,
                          const char            *user,
                          const char            *domain,
                          const char            *password,
                          const char            *workstation,
                          const guint8           client_challenge[8],
                          guint64                timestamp)
{
  guint8 nt_hash[16], ntowf[16], lm[24], session_key[16];
  g_autoptr(GBytes) nt = NULL;
  GByteArray *msg;
  guint8 header[64] = { 0 };
  gsize user_len, domain_len, ws_len, nt_len;
  g_autofree guint8 *user16 = utf16le (user, &user_len);
  g_autofree guint8 *domain16 = utf16le (domain, &domain_len);
  g_autofree guint8 *ws16 = utf16le (workstation ? workstation : "", &ws_len);
  const guint8 *nt_data;
  gsize out_len;
  guint8 *out;

  sd_ntlm_nt_hash (password, nt_hash);
  sd_ntlm_ntowfv2 (nt_hash, user, domain, ntowf);
  /* With a server timestamp the LMv2 response must be zero (MS-NLMP 3.3.2). */
  sd_ntlm_v2_responses (ntowf, challenge->server_challenge, client_challenge, timestamp,
                        challenge->target_info, challenge->has_timestamp,
                        &nt, lm, session_key);
  nt_data = g_bytes_get_data (nt, &nt_len);

  /* Sized exactly, so no reallocation leaves an unwiped copy of the responses behind. */
  msg = g_byte_array_sized_new (sizeof header + domain_len + user_len + ws_len + sizeof lm +
                                nt_len);
  memcpy (header, NTLM_SIGNATURE, 8);
  put32 (header + 8, 3);
  /* What both sides support; Unicode is what we send in. */
  put32 (header + 60, (challenge->flags & NTLM_CLIENT_FLAGS) | SD_NTLM_NEGOTIATE_UNICODE);
  g_byte_array_append (msg, header, sizeof header);

  put_field (msg, 28, domain16, domain_len);
  put_field (msg, 36, user16, user_len);
  put_field (msg, 44, ws16, ws_len);
  put_field (msg, 12, lm, sizeof lm);
  put_field (msg, 20, nt_data, nt_len);
  put_field (msg, 52, NULL, 0);

  sd_secret_wipe (nt_hash, sizeof nt_hash);
  sd_secret_wipe (ntowf, sizeof ntowf);
  sd_secret_wipe (lm, sizeof lm);
  sd_secret_wipe (session_key, sizeof session_key);

  out_len = msg->len;
  out = g_byte_array_free (msg, FALSE);
  return sd_secret_bytes_take (out, out_len);
}

void
sd_ntlm_split_user (const char  *input,
                    char       **user,
                    char       **domain)
{
  const char *backslash = strchr (input, '\\');

  if (backslash != NULL)
    {
      *domain = g_strndup (input, backslash - input);
      *user = g_strdup (backslash + 1);
      return;
    }
  /* A UPN goes whole in the user field with no domain: MS-NLMP 3.1.5.1.2. */
  *user = g_strdup (input);
  *domain = g_strdup ("");
}

guint64
sd_ntlm_filetime_from_unix_us (gint64 unix_us)
{
  return (guint64) (unix_us + G_GINT64_CONSTANT (11644473600000000)) * 10u;
}

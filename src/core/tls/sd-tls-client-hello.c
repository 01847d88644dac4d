/* sd-tls-client-hello.c: reading a ClientHello (RFC 8446 4.1.2, RFC 5246 7.4.1.2)
 *
 * A small bounded reader over the bytes GnuTLS hands to its client-hello hook. Names of
 * cipher suites come from GnuTLS's table, so the only gnutls include stays in tls/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gnutls/gnutls.h>
#include <string.h>

#include "sd-tls-client-hello.h"

typedef struct {
  const guint8 *p;
  gsize         left;
} Reader;

static gboolean
read_u8 (Reader *r,
         guint  *value)
{
  if (r->left < 1)
    return FALSE;
  *value = r->p[0];
  r->p++;
  r->left--;
  return TRUE;
}

static gboolean
read_u16 (Reader *r,
          guint  *value)
{
  if (r->left < 2)
    return FALSE;
  *value = (r->p[0] << 8) | r->p[1];
  r->p += 2;
  r->left -= 2;
  return TRUE;
}

/* A sub-reader over the next @n bytes. */
static gboolean
read_block (Reader *r,
            gsize   n,
            Reader *block)
{
  if (r->left < n)
    return FALSE;
  block->p = r->p;
  block->left = n;
  r->p += n;
  r->left -= n;
  return TRUE;
}

/* GREASE values (RFC 8701) are noise, not offers. */
static gboolean
is_grease (guint value)
{
  return (value & 0x0f0f) == 0x0a0a && (value >> 8) == (value & 0xff);
}

const char *
sd_tls_version_name (guint16 version)
{
  switch (version)
    {
    case 0x0300: return "SSL3.0";
    case 0x0301: return "TLS1.0";
    case 0x0302: return "TLS1.1";
    case 0x0303: return "TLS1.2";
    case 0x0304: return "TLS1.3";
    default:     return NULL;
    }
}

static char *
version_string (guint version)
{
  const char *name = sd_tls_version_name (version);
  return name != NULL ? g_strdup (name) : g_strdup_printf ("0x%04X", version);
}

static char *
cipher_name (guint id)
{
  unsigned char cs[2];

  if (id == 0x00ff)
    return g_strdup ("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  if (id == 0x5600)
    return g_strdup ("TLS_FALLBACK_SCSV");
  for (size_t i = 0;; i++)
    {
      const char *name = gnutls_cipher_suite_info (i, cs, NULL, NULL, NULL, NULL);
      if (name == NULL)
        break;
      if (cs[0] == (id >> 8) && cs[1] == (id & 0xff))
        return g_strdup (name);
    }
  return g_strdup_printf ("0x%02X,0x%02X", id >> 8, id & 0xff);
}

static gboolean
cipher_is_weak (guint       id,
                const char *name)
{
  static const char * const weak[] = { "RC4", "ARCFOUR", "DES", "NULL", "EXPORT", "ANON", NULL };

  if (id == 0x00ff || id == 0x5600)
    return TRUE;   /* signalling values: neither weak nor strong, they do not count */
  if (g_str_has_prefix (name, "0x"))
    return FALSE;  /* unknown to GnuTLS: probably newer, not weaker */
  for (guint i = 0; weak[i] != NULL; i++)
    if (strstr (name, weak[i]) != NULL)
      return TRUE;
  return FALSE;
}

static const char *
signature_name (guint id)
{
  static const struct { guint id; const char *name; } names[] = {
    { 0x0201, "rsa_pkcs1_sha1" }, { 0x0203, "ecdsa_sha1" },
    { 0x0401, "rsa_pkcs1_sha256" }, { 0x0501, "rsa_pkcs1_sha384" },
    { 0x0601, "rsa_pkcs1_sha512" }, { 0x0403, "ecdsa_secp256r1_sha256" },
    { 0x0503, "ecdsa_secp384r1_sha384" }, { 0x0603, "ecdsa_secp521r1_sha512" },
    { 0x0804, "rsa_pss_rsae_sha256" }, { 0x0805, "rsa_pss_rsae_sha384" },
    { 0x0806, "rsa_pss_rsae_sha512" }, { 0x0807, "ed25519" }, { 0x0808, "ed448" },
    { 0x0809, "rsa_pss_pss_sha256" }, { 0x080a, "rsa_pss_pss_sha384" },
    { 0x080b, "rsa_pss_pss_sha512" }, { 0x0202, "dsa_sha1" }, { 0x0402, "dsa_sha256" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].id == id)
      return names[i].name;
  return NULL;
}

static gboolean
parse_sni (Reader           *ext,
           SdTlsClientHello *hello)
{
  Reader list, name;
  guint list_len, type, name_len;

  if (!read_u16 (ext, &list_len) || !read_block (ext, list_len, &list))
    return FALSE;
  while (list.left > 0)
    {
      if (!read_u8 (&list, &type) || !read_u16 (&list, &name_len) ||
          !read_block (&list, name_len, &name))
        return FALSE;
      if (type == 0 && hello->sni == NULL)
        {
          g_autofree char *raw = g_strndup ((const char *) name.p, MIN (name.left, 255));
          hello->sni = g_utf8_make_valid (raw, -1);
        }
    }
  return TRUE;
}

/* A list of 16-bit values after a length of @len_bytes bytes. */
static gboolean
parse_u16_list (Reader    *ext,
                guint      len_bytes,
                GArray    *out)
{
  Reader list;
  guint len, value;

  if (!(len_bytes == 1 ? read_u8 (ext, &len) : read_u16 (ext, &len)) ||
      !read_block (ext, len, &list) || len % 2 != 0)
    return FALSE;
  while (read_u16 (&list, &value))
    if (!is_grease (value))
      g_array_append_val (out, value);
  return TRUE;
}

static gboolean
parse_extensions (Reader           *r,
                  SdTlsClientHello *hello,
                  GArray           *versions)
{
  Reader all, ext;
  guint len, type, ext_len;
  g_autoptr(GArray) sigs = g_array_new (FALSE, FALSE, sizeof (guint));

  if (r->left == 0)
    return TRUE;   /* no extensions at all: an old client */
  if (!read_u16 (r, &len) || !read_block (r, len, &all))
    return FALSE;
  while (all.left > 0)
    {
      if (!read_u16 (&all, &type) || !read_u16 (&all, &ext_len) ||
          !read_block (&all, ext_len, &ext))
        return FALSE;
      if (type == 0 && !parse_sni (&ext, hello))
        return FALSE;
      if (type == 13 && !parse_u16_list (&ext, 2, sigs))
        return FALSE;
      if (type == 43 && !parse_u16_list (&ext, 1, versions))
        return FALSE;
    }
  for (guint i = 0; i < sigs->len; i++)
    {
      guint id = g_array_index (sigs, guint, i);
      const char *name = signature_name (id);
      g_ptr_array_add (hello->signature_algorithms,
                       name != NULL ? g_strdup (name) : g_strdup_printf ("0x%04X", id));
    }
  return TRUE;
}

static SdTlsClientHello *
client_hello_new (void)
{
  SdTlsClientHello *hello = g_new0 (SdTlsClientHello, 1);

  hello->versions = g_ptr_array_new_with_free_func (g_free);
  hello->ciphers = g_ptr_array_new_with_free_func (g_free);
  hello->signature_algorithms = g_ptr_array_new_with_free_func (g_free);
  return hello;
}

static void
client_hello_set_versions (SdTlsClientHello *hello,
                           guint             legacy,
                           GArray           *supported)
{
  /* Without supported_versions (RFC 8446 4.2.1) the client takes every version up to
   * the legacy one; TLS 1.0 is the oldest worth naming. */
  if (supported->len == 0)
    for (guint v = MIN (legacy, 0x0303); v >= 0x0301; v--)
      g_array_append_val (supported, v);
  for (guint i = 0; i < supported->len; i++)
    {
      guint v = g_array_index (supported, guint, i);
      g_ptr_array_add (hello->versions, version_string (v));
      if (v <= 0x0304 && v > hello->max_version)
        hello->max_version = v;
    }
}

SdTlsClientHello *
sd_tls_client_hello_parse (const guint8 *data,
                           gsize         len)
{
  g_autoptr(SdTlsClientHello) hello = client_hello_new ();
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (guint));
  Reader r = { data, len }, skip, suites;
  guint legacy, n, id;
  gboolean all_weak = TRUE, any = FALSE;

  if (!read_u16 (&r, &legacy) || !read_block (&r, 32, &skip) ||   /* random */
      !read_u8 (&r, &n) || !read_block (&r, n, &skip) ||           /* session id */
      !read_u16 (&r, &n) || n % 2 != 0 || !read_block (&r, n, &suites) ||
      !read_u8 (&r, &n) || !read_block (&r, n, &skip))             /* compression */
    return NULL;
  while (read_u16 (&suites, &id))
    {
      char *name;
      if (is_grease (id))
        continue;
      name = cipher_name (id);
      if (id != 0x00ff && id != 0x5600)
        {
          any = TRUE;
          all_weak = all_weak && cipher_is_weak (id, name);
        }
      g_ptr_array_add (hello->ciphers, name);
    }
  if (!parse_extensions (&r, hello, versions))
    return NULL;
  client_hello_set_versions (hello, legacy, versions);
  hello->only_weak_ciphers = any && all_weak;
  return g_steal_pointer (&hello);
}

static gpointer
string_copy (gconstpointer string,
             gpointer      unused)
{
  return g_strdup (string);
}

static GPtrArray *
strings_copy (GPtrArray *strings)
{
  return g_ptr_array_copy (strings, string_copy, NULL);
}

SdTlsClientHello *
sd_tls_client_hello_copy (const SdTlsClientHello *hello)
{
  SdTlsClientHello *copy = g_new0 (SdTlsClientHello, 1);

  copy->versions = strings_copy (hello->versions);
  copy->ciphers = strings_copy (hello->ciphers);
  copy->signature_algorithms = strings_copy (hello->signature_algorithms);
  copy->sni = g_strdup (hello->sni);
  copy->max_version = hello->max_version;
  copy->only_weak_ciphers = hello->only_weak_ciphers;
  return copy;
}

void
sd_tls_client_hello_free (SdTlsClientHello *hello)
{
  if (hello == NULL)
    return;
  g_clear_pointer (&hello->versions, g_ptr_array_unref);
  g_clear_pointer (&hello->ciphers, g_ptr_array_unref);
  g_clear_pointer (&hello->signature_algorithms, g_ptr_array_unref);
  g_free (hello->sni);
  g_free (hello);
}

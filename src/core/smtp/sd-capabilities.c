/* sd-capabilities.c: the EHLO keywords a server offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-capabilities.h"
#include "sd-strings-private.h"

/* RFC 4422 3.1: SASL mechanism names are at most 20 characters. */
#define MAX_MECHANISM_LENGTH 20

static SdCapabilities *
capabilities_new_empty (void)
{
  SdCapabilities *caps = g_new0 (SdCapabilities, 1);

  caps->domain = g_strdup ("");
  caps->keywords = g_ptr_array_new_with_free_func (g_free);
  caps->auth = g_ptr_array_new_with_free_func (g_free);

  return caps;
}

/* Servers send mechanism names in any case; garbage (or an attempt to
 * smuggle text into our reports) is dropped rather than offered to the user. */
static char *
normalize_mechanism (const char *word)
{
  gsize len = strlen (word);

  if (len == 0 || len > MAX_MECHANISM_LENGTH)
    return NULL;

  for (gsize i = 0; i < len; i++)
    {
      char c = g_ascii_toupper (word[i]);

      if (!g_ascii_isupper (c) && !g_ascii_isdigit (c) && c != '-' && c != '_')
        return NULL;
    }

  return g_ascii_strup (word, (gssize) len);
}

static void
add_mechanism (SdCapabilities *caps,
               const char     *word)
{
  g_autofree char *mechanism = normalize_mechanism (word);

  if (mechanism == NULL || sd_capabilities_has_auth (caps, mechanism))
    return;

  g_ptr_array_add (caps->auth, g_steal_pointer (&mechanism));
}

/* @words is the line split at blanks, without empty words. */
static void
parse_keyword (SdCapabilities *caps,
               GStrv           words)
{
  const char *keyword = words[0];
  guint n_words = g_strv_length (words);

  if (g_ascii_strcasecmp (keyword, "AUTH") == 0)
    {
      for (guint i = 1; i < n_words; i++)
        add_mechanism (caps, words[i]);
    }
  /* The pre-standard form, still sent next to "AUTH" for old clients. */
  else if (g_ascii_strncasecmp (keyword, "AUTH=", 5) == 0)
    {
      add_mechanism (caps, keyword + 5);
      for (guint i = 1; i < n_words; i++)
        add_mechanism (caps, words[i]);
    }
  else if (g_ascii_strcasecmp (keyword, "SIZE") == 0)
    {
      guint64 size = 0;

      caps->has_size = TRUE;
      if (n_words > 1 &&
          g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &size, NULL))
        caps->size = size;
      else
        caps->size = 0;
    }
  else if (g_ascii_strcasecmp (keyword, "STARTTLS") == 0)
    caps->starttls = TRUE;
  else if (g_ascii_strcasecmp (keyword, "PIPELINING") == 0)
    caps->pipelining = TRUE;
  else if (g_ascii_strcasecmp (keyword, "CHUNKING") == 0)
    caps->chunking = TRUE;
  else if (g_ascii_strcasecmp (keyword, "8BITMIME") == 0)
    caps->eightbitmime = TRUE;
  else if (g_ascii_strcasecmp (keyword, "SMTPUTF8") == 0)
    caps->smtputf8 = TRUE;
  else if (g_ascii_strcasecmp (keyword, "DSN") == 0)
    caps->dsn = TRUE;
  else if (g_ascii_strcasecmp (keyword, "ENHANCEDSTATUSCODES") == 0)
    caps->enhancedstatuscodes = TRUE;
}

static GStrv
split_words (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text, " \t", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  return g_strv_builder_end (builder);
}

/* "mx.example.com Hello [192.0.2.1]" gives "mx.example.com". */
static char *
dup_first_word (const char *text)
{
  g_auto(GStrv) words = split_words (text);

  return g_strdup (words[0] != NULL ? words[0] : "");
}

SdCapabilities *
sd_capabilities_new_from_reply (const SdReply *ehlo_reply)
{
  g_autoptr(SdCapabilities) caps = NULL;

  g_return_val_if_fail (ehlo_reply != NULL, NULL);

  caps = capabilities_new_empty ();

  /* Only a positive answer to EHLO lists extensions. */
  if (ehlo_reply->code != 250 || sd_reply_get_n_lines (ehlo_reply) == 0)
    return g_steal_pointer (&caps);

  g_free (caps->domain);
  caps->domain = dup_first_word (sd_reply_get_text (ehlo_reply, 0));

  for (guint i = 1; i < sd_reply_get_n_lines (ehlo_reply); i++)
    {
      const char *text = sd_reply_get_text (ehlo_reply, i);
      g_auto(GStrv) words = split_words (text);

      /* A blank "250-" line offers nothing. */
      if (words[0] == NULL)
        continue;

      g_ptr_array_add (caps->keywords, g_strdup (text));
      parse_keyword (caps, words);
    }

  return g_steal_pointer (&caps);
}

SdCapabilities *
sd_capabilities_copy (const SdCapabilities *caps)
{
  SdCapabilities *copy;

  g_return_val_if_fail (caps != NULL, NULL);

  copy = g_new0 (SdCapabilities, 1);
  *copy = *caps;
  copy->domain = g_strdup (caps->domain);
  copy->keywords = _sd_string_array_copy (caps->keywords);
  copy->auth = _sd_string_array_copy (caps->auth);

  return copy;
}

void
sd_capabilities_free (SdCapabilities *caps)
{
  if (caps == NULL)
    return;

  g_free (caps->domain);
  g_clear_pointer (&caps->keywords, g_ptr_array_unref);
  g_clear_pointer (&caps->auth, g_ptr_array_unref);
  g_free (caps);
}

gboolean
sd_capabilities_has_auth (const SdCapabilities *caps,
                          const char           *mechanism)
{
  g_return_val_if_fail (caps != NULL, FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);

  for (guint i = 0; i < caps->auth->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (caps->auth, i), mechanism) == 0)
        return TRUE;
    }

  return FALSE;
}

char *
sd_capabilities_dup_auth_string (const SdCapabilities *caps)
{
  GString *out;

  g_return_val_if_fail (caps != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < caps->auth->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, g_ptr_array_index (caps->auth, i));
    }

  return g_string_free (out, FALSE);
}

/* sd-check-dnsbl.c: DNS blocklists, as data (data/check/dnsbl.json), asked through DNS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <jansson.h>
#include <string.h>

#include "sd-check-private.h"
#include "sd-check-resources.h"

#define SD_DNSBL_RESOURCE "/org/smtpdoctor/check/dnsbl.json"

/* "192.0.2.7" -> "7.2.0.192"; IPv6 by nibbles, least significant first (RFC 5782 2.4). */
static char *
sd_dnsbl_reverse (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  gsize size = g_inet_address_get_native_size (address);
  GString *name = g_string_new (NULL);

  for (gsize i = size; i-- > 0;)
    {
      if (size == 4)
        g_string_append_printf (name, "%s%u", name->len ? "." : "", bytes[i]);
      else
        g_string_append_printf (name, "%s%x.%x", name->len ? "." : "", bytes[i] & 0xf,
                                bytes[i] >> 4);
    }
  return g_string_free (name, FALSE);
}

static void
sd_dnsbl_done (SdCheckDns   *dns,
               gconstpointer result,
               const GError *error,
               gpointer      user_data)
{
  SdCheckBlocklist *entry = user_data;

  if (error != NULL)
    {
      if (g_error_matches (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND))
        entry->listing = SD_CHECK_LISTING_NOT_LISTED;
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        entry->listing = SD_CHECK_LISTING_TIMEOUT;
      else
        entry->listing = SD_CHECK_LISTING_ERROR;
      return;
    }
  for (const GList *l = result; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);
      /* 127.255.255.x: the list refused to answer this resolver (RFC 5782 allows
       * return codes; Spamhaus documents these), which says nothing about the address. */
      entry->listing = g_str_has_prefix (text, "127.255.255.") ? SD_CHECK_LISTING_ERROR
                       : g_str_has_prefix (text, "127.") ? SD_CHECK_LISTING_LISTED
                       : SD_CHECK_LISTING_ERROR;
      g_free (entry->answer);
      entry->answer = g_steal_pointer (&text);
      if (entry->listing == SD_CHECK_LISTING_LISTED)
        break;
    }
}

static json_t *
sd_dnsbl_load (const char  *list_file,
               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  json_error_t json_error;
  json_t *root;
  json_t *lists;

  if (list_file != NULL)
    {
      char *contents = NULL;
      gsize length = 0;
      if (!g_file_get_contents (list_file, &contents, &length, error))
        return NULL;
      bytes = g_bytes_new_take (contents, length);
    }
  else
    {
      /* Through the resource itself: a static library's constructor may be dropped. */
      bytes = g_resource_lookup_data (sd_check_get_resource (), SD_DNSBL_RESOURCE, 0, error);
      if (bytes == NULL)
        return NULL;
    }
  root = json_loadb (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), 0, &json_error);
  lists = root ? json_object_get (root, "lists") : NULL;
  if (!json_is_array (lists))
    {
      g_set_error (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT,
                   /* Translators: a file name, then where and why it could not be read. */
                   _("The blocklist file %s is not valid: %s"),
                   list_file ? list_file : SD_DNSBL_RESOURCE,
                   root ? "lists" : json_error.text);
      json_decref (root);
      return NULL;
    }
  return root;
}

gboolean
_sd_check_dnsbl_start (SdCheckDns     *dns,
                       SdCheckReport  *report,
                       const char     *list_file,
                       GPtrArray      *addresses,
                       GError        **error)
{
  json_t *root = sd_dnsbl_load (list_file, error);
  json_t *lists, *list;
  gsize i;

  if (root == NULL)
    return FALSE;
  lists = json_object_get (root, "lists");
  for (guint a = 0; a < addresses->len; a++)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (addresses->pdata[a]);
      g_autofree char *reversed = NULL;

      if (address == NULL)
        continue;
      reversed = sd_dnsbl_reverse (address);
      json_array_foreach (lists, i, list)
        {
          const char *zone = json_string_value (json_object_get (list, "zone"));
          SdCheckBlocklist *entry;
          g_autofree char *query = NULL;

          if (zone == NULL ||
              (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
               !json_is_true (json_object_get (list, "ipv6"))))
            continue;
          entry = g_new0 (SdCheckBlocklist, 1);
          entry->zone = g_strdup (zone);
          entry->name = g_strdup (json_string_value (json_object_get (list, "name")));
          entry->removal = g_strdup (json_string_value (json_object_get (list, "removal")));
          entry->address = g_strdup (addresses->pdata[a]);
          g_ptr_array_add (report->blocklists, entry);
          query = g_strconcat (reversed, ".", zone, NULL);
          _sd_check_dns_by_name (dns, query, sd_dnsbl_done, entry);
        }
    }
  json_decref (root);
  return TRUE;
}

/* sd-check-dns.c: many GResolver lookups at once, each with its own time limit
 *
 * GResolver's blocking calls have no time limit; its async calls run here on a private
 * main context, each with a timer that cancels it. A check needs dozens of lookups (MX,
 * addresses, PTR, TXT, blocklists): they all fly at once and the wait ends when the
 * last answers or times out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-check-private.h"

typedef enum {
  SD_DNS_BY_NAME,
  SD_DNS_RECORDS,
  SD_DNS_BY_ADDRESS,
} SdDnsKind;

struct _SdCheckDns {
  GMainContext *context;
  GResolver    *resolver;
  GCancellable *cancellable;   /* the caller's; may be NULL */
  guint         timeout_s;
  guint         pending;
};

typedef struct {
  SdCheckDns     *dns;
  SdDnsKind       kind;
  char           *name;
  GCancellable   *cancellable;
  GSource        *timer;
  gulong          handler;
  gboolean        timed_out;
  SdCheckDnsFunc  func;
  gpointer        user_data;
} SdDnsRequest;

SdCheckDns *
_sd_check_dns_new (guint         timeout_s,
                   GCancellable *cancellable)
{
  SdCheckDns *dns = g_new0 (SdCheckDns, 1);

  dns->context = g_main_context_new ();
  dns->resolver = g_resolver_get_default ();
  dns->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  dns->timeout_s = timeout_s > 0 ? timeout_s : 10;
  return dns;
}

void
_sd_check_dns_free (SdCheckDns *dns)
{
  if (dns == NULL)
    return;
  g_assert (dns->pending == 0);
  g_main_context_unref (dns->context);
  g_object_unref (dns->resolver);
  g_clear_object (&dns->cancellable);
  g_free (dns);
}

static gboolean
sd_dns_timed_out (gpointer user_data)
{
  SdDnsRequest *request = user_data;

  request->timed_out = TRUE;
  g_cancellable_cancel (request->cancellable);
  return G_SOURCE_REMOVE;
}

static void
sd_dns_request_finish (SdDnsRequest *request,
                       gconstpointer result,
                       GError       *error)
{
  SdCheckDns *dns = request->dns;

  if (error != NULL && request->timed_out)
    {
      g_clear_error (&error);
      /* Translators: %s is a DNS name, %u a number of seconds. */
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("No DNS answer for %s within %u s"),
                           request->name, dns->timeout_s);
    }
  request->func (dns, result, error, request->user_data);
  g_clear_error (&error);

  g_source_destroy (request->timer);
  g_source_unref (request->timer);
  if (request->handler != 0)
    g_cancellable_disconnect (dns->cancellable, request->handler);
  g_object_unref (request->cancellable);
  g_free (request->name);
  g_free (request);
  dns->pending--;
}

static void
sd_dns_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SdDnsRequest *request = user_data;
  GResolver *resolver = G_RESOLVER (source);
  GError *error = NULL;

  switch (request->kind)
    {
    case SD_DNS_BY_NAME:
      {
        GList *list = g_resolver_lookup_by_name_finish (resolver, result, &error);
        sd_dns_request_finish (request, list, error);
        g_resolver_free_addresses (list);
      }
      break;
    case SD_DNS_RECORDS:
      {
        GList *list = g_resolver_lookup_records_finish (resolver, result, &error);
        sd_dns_request_finish (request, list, error);
        g_list_free_full (list, (GDestroyNotify) g_variant_unref);
      }
      break;
    case SD_DNS_BY_ADDRESS:
      {
        g_autofree char *name = g_resolver_lookup_by_address_finish (resolver, result, &error);
        sd_dns_request_finish (request, name, error);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static SdDnsRequest *
sd_dns_request_new (SdCheckDns     *dns,
                    SdDnsKind       kind,
                    const char     *name,
                    SdCheckDnsFunc  func,
                    gpointer        user_data)
{
  SdDnsRequest *request = g_new0 (SdDnsRequest, 1);

  request->dns = dns;
  request->kind = kind;
  request->name = g_strdup (name);
  request->func = func;
  request->user_data = user_data;
  request->cancellable = g_cancellable_new ();
  if (dns->cancellable != NULL)
    request->handler = g_cancellable_connect (dns->cancellable,
                                              G_CALLBACK (g_cancellable_cancel),
                                              request->cancellable, NULL);
  request->timer = g_timeout_source_new_seconds (dns->timeout_s);
  g_source_set_callback (request->timer, sd_dns_timed_out, request, NULL);
  g_source_attach (request->timer, dns->context);
  dns->pending++;
  return request;
}

void
_sd_check_dns_by_name (SdCheckDns     *dns,
                       const char     *name,
                       SdCheckDnsFunc  func,
                       gpointer        user_data)
{
  SdDnsRequest *request = sd_dns_request_new (dns, SD_DNS_BY_NAME, name, func, user_data);

  g_main_context_push_thread_default (dns->context);
  g_resolver_lookup_by_name_async (dns->resolver, name, request->cancellable, sd_dns_done,
                                   request);
  g_main_context_pop_thread_default (dns->context);
}

void
_sd_check_dns_records (SdCheckDns          *dns,
                       const char          *name,
                       GResolverRecordType  type,
                       SdCheckDnsFunc       func,
                       gpointer             user_data)
{
  SdDnsRequest *request = sd_dns_request_new (dns, SD_DNS_RECORDS, name, func, user_data);

  g_main_context_push_thread_default (dns->context);
  g_resolver_lookup_records_async (dns->resolver, name, type, request->cancellable,
                                   sd_dns_done, request);
  g_main_context_pop_thread_default (dns->context);
}

void
_sd_check_dns_by_address (SdCheckDns     *dns,
                          const char     *address,
                          SdCheckDnsFunc  func,
                          gpointer        user_data)
{
  g_autoptr(GInetAddress) parsed = g_inet_address_new_from_string (address);
  SdDnsRequest *request;

  g_return_if_fail (parsed != NULL);
  request = sd_dns_request_new (dns, SD_DNS_BY_ADDRESS, address, func, user_data);
  g_main_context_push_thread_default (dns->context);
  g_resolver_lookup_by_address_async (dns->resolver, parsed, request->cancellable,
                                      sd_dns_done, request);
  g_main_context_pop_thread_default (dns->context);
}

void
_sd_check_dns_wait (SdCheckDns *dns)
{
  g_main_context_push_thread_default (dns->context);
  while (dns->pending > 0)
    g_main_context_iteration (dns->context, TRUE);
  g_main_context_pop_thread_default (dns->context);
}

GPtrArray *
_sd_check_txt_strings (gconstpointer records)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (const GList *l = records; l != NULL; l = l->next)
    {
      g_autofree const char **parts = NULL;
      /* A TXT record's strings are one text cut in 255-byte pieces (RFC 7208 3.3). */
      g_variant_get (l->data, "(^a&s)", &parts);
      g_ptr_array_add (texts, g_strjoinv ("", (char **) parts));
    }
  return texts;
}

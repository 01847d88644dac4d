/* test-check.c: the check's SPF parser and its DNS facts, against a fake resolver
 *
 * The fake GResolver (set with g_resolver_set_default) serves MX, TXT, A and PTR
 * from a table; nothing leaves the machine. The probes go to 127.0.0.x on a port where
 * nothing listens, so they end at once (refused).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "sd-check.h"
#include "sd-spf.h"

/* --- a resolver served from a table ---------------------------------------------- */

typedef struct {
  const char *kind;    /* "A", "MX", "TXT", "PTR" */
  const char *name;
  const char *value;   /* A: address; MX: "10 host"; TXT: text; PTR: name (by address) */
} FakeRecord;

static const FakeRecord *fake_table;

#define FAKE_TYPE_RESOLVER (fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (FakeResolver, fake_resolver, FAKE, RESOLVER, GResolver)
struct _FakeResolver { GResolver parent; };
G_DEFINE_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)

static GError *
fake_not_found (const char *name)
{
  return g_error_new (G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no record for %s", name);
}

static GList *
fake_by_name (GResolver *resolver, const char *name, GCancellable *c, GError **error)
{
  GList *list = NULL;
  for (const FakeRecord *r = fake_table; r->kind; r++)
    if (g_str_equal (r->kind, "A") && g_ascii_strcasecmp (r->name, name) == 0)
      list = g_list_append (list, g_inet_address_new_from_string (r->value));
  if (list == NULL)
    g_propagate_error (error, fake_not_found (name));
  return list;
}

static char *
fake_by_address (GResolver *resolver, GInetAddress *address, GCancellable *c, GError **error)
{
  g_autofree char *text = g_inet_address_to_string (address);
  for (const FakeRecord *r = fake_table; r->kind; r++)
    if (g_str_equal (r->kind, "PTR") && g_str_equal (r->name, text))
      return g_strdup (r->value);
  g_propagate_error (error, fake_not_found (text));
  return NULL;
}

static GList *
fake_records (GResolver *resolver, const char *name, GResolverRecordType type,
              GCancellable *c, GError **error)
{
  GList *list = NULL;
  for (const FakeRecord *r = fake_table; r->kind; r++)
    {
      if (g_ascii_strcasecmp (r->name, name) != 0)
        continue;
      if (type == G_RESOLVER_RECORD_MX && g_str_equal (r->kind, "MX"))
        {
          g_auto(GStrv) parts = g_strsplit (r->value, " ", 2);
          list = g_list_append (list, g_variant_ref_sink (
            g_variant_new ("(qs)", (guint16) atoi (parts[0]), parts[1])));
        }
      else if (type == G_RESOLVER_RECORD_TXT && g_str_equal (r->kind, "TXT"))
        {
          const char *strings[] = { r->value, NULL };
          list = g_list_append (list, g_variant_ref_sink (
            g_variant_new ("(@as)", g_variant_new_strv (strings, -1))));
        }
    }
  if (list == NULL)
    g_propagate_error (error, fake_not_found (name));
  return list;
}

/* The async forms answer from the table on the next main-loop turn. */
static void
fake_async (GResolver *resolver, gpointer tag, GList *list, char *name, GError *error,
            GCancellable *c, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (resolver, c, callback, user_data);
  g_task_set_source_tag (task, tag);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (name != NULL)
    g_task_return_pointer (task, name, g_free);
  else
    g_task_return_pointer (task, list, NULL);
  g_object_unref (task);
}

static void
fake_by_name_async (GResolver *resolver, const char *name, GCancellable *c,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  GList *list = fake_by_name (resolver, name, c, &error);
  fake_async (resolver, fake_by_name_async, list, NULL, error, c, callback, user_data);
}

static void
fake_by_address_async (GResolver *resolver, GInetAddress *address, GCancellable *c,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  char *name = fake_by_address (resolver, address, c, &error);
  fake_async (resolver, fake_by_address_async, NULL, name, error, c, callback, user_data);
}

static void
fake_records_async (GResolver *resolver, const char *rrname, GResolverRecordType type,
                    GCancellable *c, GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  GList *list = fake_records (resolver, rrname, type, c, &error);
  fake_async (resolver, fake_records_async, list, NULL, error, c, callback, user_data);
}

static gpointer
fake_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GList *
fake_list_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return fake_finish (resolver, result, error);
}

static char *
fake_name_finish (GResolver *resolver, GAsyncResult *result, GError **error)
{
  return fake_finish (resolver, result, error);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  GResolverClass *resolver = G_RESOLVER_CLASS (klass);
  resolver->lookup_by_name = fake_by_name;
  resolver->lookup_by_name_async = fake_by_name_async;
  resolver->lookup_by_name_finish = fake_list_finish;
  resolver->lookup_by_address = fake_by_address;
  resolver->lookup_by_address_async = fake_by_address_async;
  resolver->lookup_by_address_finish = fake_name_finish;
  resolver->lookup_records = fake_records;
  resolver->lookup_records_async = fake_records_async;
  resolver->lookup_records_finish = fake_list_finish;
}

static void
fake_resolver_init (FakeResolver *self)
{
}

/* --- helpers ---------------------------------------------------------------------- */

/* A loopback port nobody listens on: bound, then closed. */
static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static SdCheckReport *
run_check (const FakeRecord *table,
           const char       *target,
           const char       *from)
{
  g_autoptr(SdCheckOptions) options = sd_check_options_new ();
  g_autoptr(GResolver) fake = g_object_new (FAKE_TYPE_RESOLVER, NULL);
  g_autoptr(GResolver) saved = g_resolver_get_default ();
  g_autofree char *port = g_strdup_printf ("%u", free_port ());
  g_autoptr(GError) error = NULL;
  SdCheckReport *report;

  fake_table = table;
  g_resolver_set_default (fake);
  options->target = g_strdup (target);
  options->from_domain = g_strdup (from);
  options->timeout_s = 5;
  options->blocklists = FALSE;
  options->blocklist_servers = TRUE;
  options->dnsbl_file = g_test_build_filename (G_TEST_DIST, "check-dnsbl.json", NULL);
  g_assert_true (sd_check_options_set_ports (options, port, NULL));
  report = sd_check_run (options, NULL, &error);
  g_resolver_set_default (saved);
  g_assert_no_error (error);
  return report;
}

static gboolean
has_finding (const SdCheckReport *report,
             const char          *id)
{
  for (guint i = 0; i < report->findings->len; i++)
    if (g_str_equal (((SdHint *) report->findings->pdata[i])->id, id))
      return TRUE;
  return FALSE;
}

/* --- tests ------------------------------------------------------------------------ */

static void
test_spf_parse (void)
{
  g_autoptr(SdSpf) spf = sd_spf_parse ("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 "
                                       "include:_spf.example.net mx a:mail.example.com "
                                       "bogus ~all");
  g_autoptr(SdSpf) simple = sd_spf_parse ("v=spf1 ip4:192.0.2.7 -all");
  g_autoptr(SdSpf) redirect = sd_spf_parse ("v=spf1 redirect=_spf.example.org");

  g_assert_null (sd_spf_parse ("v=spf10 -all"));
  g_assert_null (sd_spf_parse ("v=DMARC1; p=none"));
  g_assert_nonnull (spf);
  g_assert_cmpuint (spf->lookups, ==, 3);
  g_assert_cmpint (spf->all, ==, '~');
  g_assert_cmpuint (spf->problems->len, ==, 1);
  g_assert_cmpstr (sd_spf_judge (spf, "192.0.2.99"), ==, "pass");
  g_assert_cmpstr (sd_spf_judge (spf, "2001:db8::1"), ==, "pass");
  /* The include was not fetched: nothing can be said past it. */
  g_assert_cmpstr (sd_spf_judge (spf, "198.51.100.1"), ==, "unknown");
  g_assert_cmpstr (sd_spf_judge (simple, "192.0.2.7"), ==, "pass");
  g_assert_cmpstr (sd_spf_judge (simple, "192.0.2.8"), ==, "fail");
  g_assert_cmpuint (redirect->lookups, ==, 1);
  g_assert_cmpstr (sd_spf_judge (redirect, "192.0.2.8"), ==, "unknown");
}

static const FakeRecord domain_table[] = {
  { "MX", "example.test", "20 mx2.example.test" },
  { "MX", "example.test", "10 mx1.example.test" },
  { "A", "mx1.example.test", "127.0.0.1" },
  { "A", "mx2.example.test", "127.0.0.2" },
  { "PTR", "127.0.0.1", "mx1.example.test" },
  { "PTR", "127.0.0.2", "elsewhere.example.test" },
  { "TXT", "example.test", "v=spf1 include:a.example.test include:b.example.test -all" },
  { "TXT", "a.example.test", "v=spf1 include:c.example.test mx a mx:x.test a:y.test ~all" },
  { "TXT", "b.example.test", "v=spf1 exists:z.test mx a ptr ~all" },
  { "TXT", "c.example.test", "v=spf1 a mx ~all" },
  { "TXT", "_dmarc.example.test", "v=DMARC1; p=reject; rua=mailto:d@example.test" },
  { "TXT", "_mta-sts.example.test", "v=STSv1; id=2026" },
  { "A", "1.0.0.127.bl.test", "127.0.0.2" },
  { NULL }
};

static void
test_dns_domain (void)
{
  g_autoptr(SdCheckReport) report = run_check (domain_table, "example.test", "example.test");
  SdCheckHost *first;
  g_autofree char *json = NULL;

  g_assert_true (report->has_mx);
  g_assert_false (report->null_mx);
  g_assert_cmpuint (report->hosts->len, ==, 2);
  first = report->hosts->pdata[0];
  g_assert_cmpstr (first->name, ==, "mx1.example.test");
  g_assert_cmpuint (first->preference, ==, 10);
  g_assert_cmpstr (first->addresses->pdata[0], ==, "127.0.0.1");
  for (guint i = 0; i < report->ptrs->len; i++)
    {
      SdCheckPtr *ptr = report->ptrs->pdata[i];
      g_assert_cmpint (ptr->forward_match, ==, g_str_equal (ptr->address, "127.0.0.1"));
    }
  g_assert_nonnull (report->spf);
  /* 2 here, 5 in a and 2 in the c it includes, 4 in b: 13. */
  g_assert_cmpuint (sd_spf_count_lookups (report->spf), ==, 13);
  g_assert_true (has_finding (report, "spf-too-many-lookups"));
  g_assert_cmpstr (report->dmarc_policy, ==, "reject");
  g_assert_cmpstr (report->mta_sts, ==, "v=STSv1; id=2026");
  g_assert_null (report->tls_rpt);
  g_assert_true (has_finding (report, "server-ptr"));
  g_assert_false (has_finding (report, "dmarc-missing"));
  /* 127.0.0.1 is on the test list, 127.0.0.2 is not. */
  g_assert_cmpuint (report->blocklists->len, ==, 2);
  g_assert_true (has_finding (report, "blocklisted"));
  /* Nothing listens: every host is unreachable, and the exit code says connect. */
  g_assert_cmpuint (report->probes->len, ==, 2);
  g_assert_cmpint (((SdCheckProbe *) report->probes->pdata[0])->outcome, ==,
                   SD_CHECK_OUTCOME_REFUSED);
  g_assert_cmpint (sd_check_report_exit_code (report), ==, 2);
  json = sd_check_report_to_json (report);
  g_assert_nonnull (strstr (json, "\"preference\": 10"));
  g_assert_nonnull (strstr (json, "\"outcome\": \"refused\""));
}

static const FakeRecord null_mx_table[] = {
  { "MX", "nomail.test", "0 " },
  { "A", "nomail.test", "127.0.0.3" },
  { NULL }
};

static const FakeRecord no_mx_table[] = {
  { "A", "host.test", "127.0.0.4" },
  { "PTR", "127.0.0.4", "host.test" },
  { "TXT", "host.test", "v=spf1 a -all" },
  { "TXT", "host.test", "v=spf1 mx -all" },
  { NULL }
};

static void
test_dns_null_mx (void)
{
  g_autoptr(SdCheckReport) report = run_check (null_mx_table, "nomail.test", NULL);

  g_assert_true (report->null_mx);
  g_assert_cmpuint (report->hosts->len, ==, 0);
  g_assert_cmpuint (report->probes->len, ==, 0);
  g_assert_true (has_finding (report, "null-mx"));
}

static void
test_dns_no_mx (void)
{
  g_autoptr(SdCheckReport) report = run_check (no_mx_table, "host.test", "host.test");
  SdCheckPtr *ptr;

  g_assert_false (report->has_mx);
  g_assert_cmpuint (report->hosts->len, ==, 1);
  g_assert_cmpstr (((SdCheckHost *) report->hosts->pdata[0])->name, ==, "host.test");
  g_assert_true (has_finding (report, "no-mx"));
  ptr = report->ptrs->pdata[0];
  g_assert_cmpstr (ptr->name, ==, "host.test");
  g_assert_true (ptr->forward_match);
  g_assert_cmpuint (report->spf_records_found, ==, 2);
  g_assert_true (has_finding (report, "spf-multiple"));
  g_assert_true (has_finding (report, "dmarc-missing"));
}

static void
test_ports (void)
{
  g_autoptr(SdCheckOptions) options = sd_check_options_new ();
  g_autoptr(GError) error = NULL;
  SdCheckPort *port;

  g_assert_cmpuint (options->ports->len, ==, 4);
  g_assert_cmpint (g_array_index (options->ports, SdCheckPort, 1).security, ==, SD_SECURITY_TLS);
  g_assert_true (sd_check_options_set_ports (options, "2525/tls, 465/starttls", &error));
  port = &g_array_index (options->ports, SdCheckPort, 0);
  g_assert_cmpint (port->security, ==, SD_SECURITY_TLS);
  port = &g_array_index (options->ports, SdCheckPort, 1);
  g_assert_cmpint (port->security, ==, SD_SECURITY_STARTTLS_OPTIONAL);
  g_assert_false (sd_check_options_set_ports (options, "25,70000", &error));
  g_assert_error (error, SD_CHECK_ERROR, SD_CHECK_ERROR_INVALID_INPUT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/check/spf/parse", test_spf_parse);
  g_test_add_func ("/core/check/ports", test_ports);
  g_test_add_func ("/core/check/dns/domain", test_dns_domain);
  g_test_add_func ("/core/check/dns/null-mx", test_dns_null_mx);
  g_test_add_func ("/core/check/dns/no-mx", test_dns_no_mx);
  return g_test_run ();
}

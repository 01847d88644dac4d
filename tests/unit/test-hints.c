/* test-hints.c: every rule of the knowledge base fires, and ranks first, for its cases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
#include "sd-session.h"

#include "sd-test-corpus.h"
#include "test-hints-cases.h"

static SdReply *
reply_from_text (const char *text)
{
  g_autoptr(SdReplyParser) parser = sd_reply_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wire = NULL;
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *joined = g_strjoinv ("\r\n", lines);

  wire = g_strconcat (joined, "\r\n", NULL);
  g_assert_true (sd_reply_parser_feed (parser, wire, strlen (wire), &error));
  g_assert_no_error (error);
  return sd_reply_parser_pop (parser);
}

/* "STARTTLS|AUTH PLAIN" as the capabilities of a 250 reply */
static SdCapabilities *
caps_from_text (const char *keywords)
{
  g_auto(GStrv) words = g_strsplit (keywords, "|", -1);
  g_autoptr(GString) text = g_string_new ("250-test.invalid");
  g_autoptr(SdReply) reply = NULL;

  for (guint i = 0; words[i] != NULL; i++)
    g_string_append_printf (text, "\n250%c%s", words[i + 1] ? '-' : ' ', words[i]);
  if (words[0] == NULL)
    g_string_assign (text, "250 test.invalid");
  reply = reply_from_text (text->str);
  return sd_capabilities_new_from_reply (reply);
}

static SdTlsInfo *
tls_from_text (const char *spec)
{
  g_auto(GStrv) f = g_strsplit (spec, "|", 5);
  SdTlsInfo *tls = g_new0 (SdTlsInfo, 1);
  SdCertInfo *leaf = g_new0 (SdCertInfo, 1);

  g_assert_cmpuint (g_strv_length (f), ==, 5);
  tls->version = g_strdup (f[0]);
  tls->cipher = g_strdup ("TLS_AES_256_GCM_SHA384");
  tls->policy = g_strdup (f[1]);
  tls->verify_error = *f[2] ? g_strdup (f[2]) : NULL;
  tls->verified = tls->verify_error == NULL;
  leaf->self_signed = g_str_equal (f[3], "1");
  leaf->subject = g_strdup_printf ("CN=%s", f[4] + 4);
  leaf->issuer = g_strdup (leaf->self_signed ? leaf->subject : "CN=Some CA");
  leaf->not_after = g_strdup ("2024-01-01T00:00:00Z");
  leaf->sans = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (leaf->sans, g_strdup (f[4]));
  tls->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_cert_info_free);
  g_ptr_array_add (tls->chain, leaf);
  return tls;
}

static SdReport *
report_from_case (const HintCase *c)
{
  SdReport *report = sd_report_new ();
  SdStage stage = SD_STAGE_QUIT;

  if (c->stage != NULL)
    g_assert_true (sd_stage_from_string (c->stage, &stage));
  report->stage = stage;
  report->ok = c->error == 0;
  report->host = g_strdup ("mail.example.com");
  report->port = c->port ? c->port : 587;
  report->security = g_strdup (c->security ? c->security : "starttls");
  report->credentials_given = !c->anonymous;
  report->banner = g_strdup (c->banner ? c->banner : "mail.example.com ESMTP");
  if (c->reply != NULL)
    report->reply = reply_from_text (c->reply);
  if (c->rcpt != NULL)
    {
      SdRecipientResult *result = g_new0 (SdRecipientResult, 1);
      result->address = g_strdup ("bob@example.net");
      result->reply = reply_from_text (c->rcpt);
      g_ptr_array_add (report->recipients, result);
      if (report->reply == NULL)
        report->reply = sd_reply_copy (result->reply);
    }
  if (c->error != 0)
    {
      g_autofree char *text = report->reply ? sd_reply_dup_text (report->reply) : NULL;
      report->error = g_error_new (SD_SESSION_ERROR, c->error - 1, "%s",
                                   c->message ? c->message
                                   : text ? text : "failed");
    }
  if (c->before != NULL)
    {
      if (g_strcmp0 (c->security, "tls") == 0)
        report->caps_after_tls = caps_from_text (c->before);
      else
        report->caps_before_tls = caps_from_text (c->before);
    }
  if (c->after != NULL)
    report->caps_after_tls = caps_from_text (c->after);
  report->auth_mechanism = g_strdup (c->mechanism);
  report->auth_fact = g_strdup (c->auth_fact);
  report->tls_at_once = c->tls_at_once;
  if (c->oauth != NULL)
    {
      g_auto(GStrv) f = g_strsplit (c->oauth, "|", 3);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      report->auth_oauth_status = *f[0] ? g_strdup (f[0]) : NULL;
      report->auth_oauth_scope = *f[1] ? g_strdup (f[1]) : NULL;
      report->auth_oauth_schemes = *f[2] ? g_strdup (f[2]) : NULL;
    }
  if (c->token != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (c->token, "|", -1);
      g_free (report->auth_mechanism);
      report->auth_mechanism = g_strdup (parts[0]);
      report->auth_token_facts = g_strdupv (parts + 1);
    }
  if (c->tls != NULL)
    report->tls = tls_from_text (c->tls);
  else if (c->after != NULL)
    report->tls = tls_from_text ("TLS1.3|verify||0|DNS:mail.example.com");
  return report;
}

static GPtrArray *
diagnose_case (const HintCase *c)
{
  g_autoptr(SdReport) report = NULL;

  if (c->text != NULL)
    return sd_hints_diagnose_text (c->text);
  report = report_from_case (c);
  return sd_diagnose_report (report);
}

static void
test_case (gconstpointer data)
{
  const HintCase *c = data;
  g_autoptr(GPtrArray) hints = diagnose_case (c);
  g_autofree char *text = sd_hints_to_text (hints);

  g_test_message ("%s", text);
  g_assert_cmpuint (hints->len, >, 0);
  g_assert_cmpstr (((SdHint *) hints->pdata[0])->id, ==, c->expect);
}

/* Where the expected hint ranked, over all cases: printed for the closing note. */
static void
test_ranking_share (void)
{
  guint first = 0, listed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (hint_cases); i++)
    {
      g_autoptr(GPtrArray) hints = diagnose_case (&hint_cases[i]);
      if (hints->len == 0 || !g_str_equal (((SdHint *) hints->pdata[0])->id, hint_cases[i].expect))
        {
          g_autoptr(GString) got = g_string_new (NULL);
          for (guint j = 0; j < hints->len; j++)
            g_string_append_printf (got, " %s (%.0f)", ((SdHint *) hints->pdata[j])->id,
                                    ((SdHint *) hints->pdata[j])->score);
          g_test_message ("case %u: expected %s first, got:%s", i, hint_cases[i].expect, got->str);
        }
      for (guint j = 0; j < hints->len; j++)
        if (g_str_equal (((SdHint *) hints->pdata[j])->id, hint_cases[i].expect))
          {
            first += j == 0;
            listed++;
            break;
          }
    }
  g_test_message ("ranking: expected hint first in %u of %u cases (%.1f%%), listed in %u",
                  first, (guint) G_N_ELEMENTS (hint_cases),
                  100.0 * first / G_N_ELEMENTS (hint_cases), listed);
  g_assert_cmpuint (first, ==, G_N_ELEMENTS (hint_cases));
}

static void
test_every_rule_has_a_case (void)
{
  const SdHintKb *kb = _sd_hints_get_kb ();
  g_autoptr(GPtrArray) corpus = sd_corpus_load ("dev");

  g_assert_cmpuint (kb->rules->len, >=, 60);
  for (guint i = 0; i < kb->rules->len; i++)
    {
      const SdHintRule *rule = kb->rules->pdata[i];
      gboolean found = FALSE;
      for (guint j = 0; j < G_N_ELEMENTS (hint_cases) && !found; j++)
        found = g_str_equal (hint_cases[j].expect, rule->id);
      /* or a text of the corpus that rule was written against */
      for (guint j = 0; j < corpus->len && !found; j++)
        found = g_strv_contains ((const char * const *) ((SdCorpusCase *) corpus->pdata[j])->expect,
                                 rule->id);
      if (!found)
        g_error ("rule %s has no test case", rule->id);
      /* each rule fixes something for at least one product */
      g_assert_cmpuint (rule->fixes->len, >, 0);
    }
  g_test_message ("%u rules, %u cases", kb->rules->len, (guint) G_N_ELEMENTS (hint_cases));
}

/* @json as the base and as the only rule file: each part reads what is its own. */
static SdHintKb *
load_one (GBytes  *json,
          GError **error)
{
  static const char * const names[] = { "base", "rules", NULL };
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  g_ptr_array_add (files, json);
  return _sd_hint_kb_load (json, files, names, FALSE, error);
}

static void
expect_invalid (const char *json,
                const char *needle)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(SdHintKb) kb = load_one (bytes, &error);

  g_assert_null (kb);
  g_assert_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID);
  if (strstr (error->message, needle) == NULL)
    g_error ("expected “%s” in: %s", needle, error->message);
}

#define KB_HEAD \
  "{\"products\": {\"exchange\": \"E\", \"exchange-2003\": \"E3\", \"exchange-online\": \"O\"," \
  " \"gmail\": \"G\", \"postfix\": \"P\", \"kerio\": \"K\", \"iis-smtp\": \"I\"," \
  " \"sharepoint\": \"S\", \"network\": \"N\", \"azure\": \"A\", \"generic\": \"X\"," \
  " \"exim\": \"X\", \"hmailserver\": \"X\", \"amazon-ses\": \"X\", \"sendgrid\": \"X\"," \
  " \"mailgun\": \"X\", \"postmark\": \"X\", \"mail-gateway\": \"X\", \"appliance\": \"X\"," \
  " \"client-code\": \"X\", \"windows\": \"X\", \"yahoo\": \"X\", \"icloud\": \"X\"," \
  " \"zoho\": \"X\", \"outlook-com\": \"X\"}," \
  " \"status_codes\": {\"class\": {}, \"subject\": {}, \"detail\": {}, \"basic\": {}}," \
  " \"rules\": ["
#define KB_RULE(match, fixes) \
  "{\"id\": \"r\", \"source\": \"https://example.org/doc\", \"severity\": \"error\", " \
  "\"title\": \"t\", \"detail\": \"d\", \"match\": " match ", \"fixes\": " fixes "}"

/* The build-time check refuses what would silently never match. */
static void
test_validation (void)
{
  g_autoptr(GBytes) ok = NULL;
  g_autoptr(SdHintKb) kb = NULL;
  g_autoptr(GError) error = NULL;
  static const char good[] = KB_HEAD KB_RULE ("{\"text\": [\"x\"]}", "{\"generic\": [\"s\"]}") "]}";

  ok = g_bytes_new_static (good, strlen (good));
  kb = load_one (ok, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kb->rules->len, ==, 1);
  g_clear_pointer (&kb, _sd_hint_kb_free);

  /* ids are unique across rule files too */
  {
    static const char * const names[] = { "base", "a.json", "b.json", NULL };
    g_autoptr(GPtrArray) files = g_ptr_array_new ();
    g_ptr_array_add (files, ok);
    g_ptr_array_add (files, ok);
    kb = _sd_hint_kb_load (ok, files, names, FALSE, &error);
    g_assert_null (kb);
    g_assert_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "duplicate id"));
    g_clear_error (&error);
  }

  expect_invalid ("{", "line");
  expect_invalid (KB_HEAD "{\"id\": \"r\", \"severity\": \"error\", \"detail\": \"d\", \"match\": {\"text\": [\"x\"]}, \"fixes\": {\"generic\": [\"s\"]}}]}",
                  "missing “title”");
  expect_invalid (KB_HEAD KB_RULE ("{\"text\": [\"x\"]}", "{\"exchange2019\": [\"s\"]}") "]}",
                  "unknown product “exchange2019”");
  expect_invalid (KB_HEAD KB_RULE ("{\"regex\": [\"(unclosed\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "does not compile");
  expect_invalid (KB_HEAD KB_RULE ("{\"facts\": [\"auth-maybe\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "unknown fact “auth-maybe”");
  expect_invalid (KB_HEAD KB_RULE ("{\"stages\": [\"helo\"], \"text\": [\"x\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "unknown stage “helo”");
  expect_invalid (KB_HEAD KB_RULE ("{\"codes\": [\"5x1\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "bad entry 0 in “codes”");
  expect_invalid (KB_HEAD KB_RULE ("{\"enhanced\": [\"5.7\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "bad entry 0 in “enhanced”");
  expect_invalid (KB_HEAD KB_RULE ("{\"stages\": [\"auth\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "nothing to trigger on");
  expect_invalid (KB_HEAD KB_RULE ("{\"text\": [\"x\"]}", "{}") "]}", "at least one product");
  expect_invalid (KB_HEAD "{\"id\": \"r\", \"severity\": \"error\", \"title\": \"t\", \"detail\": \"d\", "
                  "\"match\": {\"text\": [\"x\"]}, \"fixes\": {\"generic\": [\"s\"]}}]}", "missing “source”");
  expect_invalid (KB_HEAD KB_RULE ("{\"text\": [\"x\"], \"servers\": [\"exchange2019\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "unknown id “exchange2019” in “servers”");
  expect_invalid (KB_HEAD KB_RULE ("{\"text\": [\"x\"], \"clients\": [\"cobol\"]}", "{\"generic\": [\"s\"]}") "]}",
                  "unknown id “cobol” in “clients”");
  expect_invalid (KB_HEAD KB_RULE ("{\"text\": [\"x\"]}", "{\"generic\": [\"s\"]}") ","
                  KB_RULE ("{\"text\": [\"y\"]}", "{\"generic\": [\"s\"]}") "]}", "duplicate id");
}

/* Codes and phrases come out of the places people paste from. */
static void
test_extract (void)
{
  static const struct { const char *text; guint code; const char *enhanced; } cases[] = {
    { "  12.3 ms TLS <-  535 5.7.8 Error: authentication failed", 535, "5.7.8" },
    { "<~  535 5.7.3 Authentication unsuccessful", 535, "5.7.3" },
    { "2026-11-23T10:00:00.000Z,EX01\\Client Frontend EX01,08DB,1,10.0.0.1:587,10.0.0.5:50000,>,\"530 5.7.57 Client not authenticated\",",
      530, "5.7.57" },
    { "Remote Server returned '550 5.7.1 Unable to relay'", 550, "5.7.1" },
    { "The server response was: 5.7.1 Client was not authenticated", 0, "5.7.1" },
    { "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full", 552, "5.2.2" },
    { "#550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup ##", 550, "5.1.10" },
    { "Installed version 10.4.4.1 of the agent on port 2525", 0, NULL },
    /* Version numbers after a product name are no status codes. */
    { "Using MailKit 4.3.0 with hMailServer 5.6.8 and firmware v5.2.2", 0, NULL },
    /* Postfix's dsn= field carries the code; relay= is the next hop, not a reply. */
    { "postfix/smtp[1]: 1A: to=<a@b.example>, relay=mx.b.example[192.0.2.1]:25, dsn=5.1.1, "
      "status=bounced (host mx.b.example[192.0.2.1] said: 550 5.1.1 User unknown)", 550, "5.1.1" },
    { "Die Serverantwort war: 5.7.57 Client not authenticated to send mail.", 0, "5.7.57" },
    { "smtplib.SMTPAuthenticationError: (535, b'5.7.8 Username and Password not accepted.')",
      535, "5.7.8" },
    /* logfmt: the quoted value is what the program said. */
    { "level=error msg=\"Failed to send email\" error=\"535 Authentication failed: Bad username\" "
      "smtp_host=smtp.sendgrid.net:587", 535, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SdHintInput) input = _sd_hint_input_new_from_text (cases[i].text);
      if (cases[i].code != 0)
        {
          g_assert_cmpuint (input->codes->len, >=, 1);
          g_assert_cmpuint (g_array_index (input->codes, guint, 0), ==, cases[i].code);
        }
      else
        g_assert_cmpuint (input->codes->len, ==, 0);
      if (cases[i].enhanced != NULL)
        {
          g_assert_cmpuint (input->enhanced->len, >=, 1);
          g_assert_cmpstr (input->enhanced->pdata[0], ==, cases[i].enhanced);
        }
      else
        g_assert_cmpuint (input->enhanced->len, ==, 0);
    }
}

/* The words of the reply are kept apart from the rest; noise is cleaned away. */
static void
test_extract_reply (void)
{
  g_autoptr(SdHintInput) input = _sd_hint_input_new_from_text (
    "We use smtp-relay.example.com as our relay. Password: ********\n"
    "Remoteserver hat '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found' "
    "zurückgegeben\n");
  const SdHintReply *reply;

  g_assert_cmpuint (input->replies->len, ==, 1);
  reply = input->replies->pdata[0];
  g_assert_cmpuint (reply->code, ==, 550);
  g_assert_cmpstr (reply->enhanced, ==, "5.1.10");
  g_assert_nonnull (strstr (reply->folded, "recipient not found"));
  g_assert_null (strstr (input->folded->pdata[0], "smtp-relay"));
  g_assert_null (strstr (input->folded->pdata[0], "****"));
  g_assert_true (g_hash_table_contains (input->facts, "text-de"));
}

/* Who answered: its fixes come first, then the generic ones. */
static void
test_products_first (void)
{
  g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (
    "Dec  3 07:45:02 app01 postfix/smtp[1201]: A1B2: to=<it@contoso.com>, "
    "relay=smtp.office365.com[52.96.1.2]:587, dsn=5.7.57, status=bounced (host "
    "smtp.office365.com[52.96.1.2] said: 530 5.7.57 Client not authenticated to send mail. "
    "[MW4PR04CA0123.namprd04.prod.outlook.com])");
  const SdHint *hint;

  g_assert_cmpuint (hints->len, >=, 1);
  hint = hints->pdata[0];
  g_assert_cmpstr (hint->id, ==, "exo-anonymous-submission");
  g_assert_cmpstr (((SdHintFix *) hint->fixes->pdata[0])->product, ==, "exchange-online");
  for (guint i = 0; i < hints->len; i++)
    g_assert_cmpstr (((SdHint *) hints->pdata[i])->id, !=, "relay-denied");
}

/* A program's error with no code is never left without a hint. */
static void
test_client_error_fallback (void)
{
  g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (
    "java.lang.IllegalStateException: the frobnicator is not wound up\n"
    "\tat com.example.Mailer.send(Mailer.java:42)");

  g_assert_cmpuint (hints->len, ==, 1);
  g_assert_cmpstr (((SdHint *) hints->pdata[0])->id, ==, "fallback-client-error");
}

/* The fallback explains only the reply that failed, with the failure's severity:
 * never "220 2.0.0 Ready to start TLS" after a certificate failure, never an [error]
 * card for a temporary 4.X.X below a [warning] one (issue 18, item 3). */
static void
test_fallback_follows_failure (void)
{
  HintCase c = { "", NULL, "tls", E(TLS),
                 "The certificate is not trusted: issuer unknown (while checking the certificate)",
                 "220 2.0.0 Ready to start TLS", .before = "STARTTLS|AUTH PLAIN LOGIN",
                 .tls = "TLS1.3|verify|The certificate is not trusted|1|DNS:mail.example.com" };
  g_autoptr(SdReport) report = report_from_case (&c);
  g_autoptr(GPtrArray) hints = sd_diagnose_report (report);
  g_autoptr(GPtrArray) greylisted = sd_hints_diagnose_text ("Greylisted for 5 minutes (4.7.1)");
  const SdHint *last;

  g_assert_cmpuint (hints->len, >, 0);
  for (guint i = 0; i < hints->len; i++)
    {
      const SdHint *hint = hints->pdata[i];
      g_test_message ("%s", hint->id);
      g_assert_false (g_str_has_prefix (hint->id, "fallback-2"));
      g_assert_null (strstr (hint->detail, "2.0.0"));
    }

  g_assert_cmpuint (greylisted->len, >, 1);
  last = greylisted->pdata[greylisted->len - 1];
  g_assert_cmpstr (last->id, ==, "fallback-4.7.1");
  g_assert_cmpint (last->severity, ==, SD_HINT_WARNING);
  g_assert_cmpint (((SdHint *) greylisted->pdata[0])->severity, ==, SD_HINT_WARNING);
}

static void
test_success_is_quiet (void)
{
  HintCase c = { "", NULL, .before = "STARTTLS|AUTH PLAIN LOGIN", .after = "AUTH PLAIN LOGIN" };
  g_autoptr(SdReport) report = report_from_case (&c);
  g_autoptr(GPtrArray) hints = sd_diagnose_report (report);

  g_assert_cmpuint (hints->len, ==, 0);
}

static void
test_json_shape (void)
{
  g_autoptr(GPtrArray) hints = sd_hints_diagnose_text ("550 5.7.1 Relaying denied");
  g_autofree char *json = sd_hints_to_json (hints);

  g_assert_nonnull (strstr (json, "\"hints\""));
  g_assert_nonnull (strstr (json, "\"id\": \"relay-denied\""));
  g_assert_nonnull (strstr (json, "\"evidence\""));
  g_assert_nonnull (strstr (json, "\"product\": \"exchange\""));
  g_assert_nonnull (strstr (json, "\"steps\""));
}

static void
test_nothing_to_say (void)
{
  g_autoptr(GPtrArray) empty = sd_hints_diagnose_text ("\n\n  \n");
  g_autoptr(GPtrArray) fine = sd_hints_diagnose_text ("220 mail ESMTP\nEHLO x\n250-mail\n"
                                                      "250 AUTH PLAIN\nAUTH PLAIN AGFsaWNl\n"
                                                      "235 2.7.0 Authentication successful\n");

  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (fine->len, ==, 0);
}

/* The shown header is the macro's text, marked where xgettext can see it. */
static void
test_text_header (void)
{
  g_assert_cmpstr (sd_hints_text_header (), ==, SD_HINTS_TEXT_HEADER);
}

/* Hostile or broken input: invalid UTF-8, controls, huge lines, codes everywhere. */
static void
test_hostile_input (void)
{
  static const char * const texts[] = {
    "535 5.7.8 \xff\xfe\xc3( bad \x01\x1b[31m",
    "\xc0\xaf\xed\xa0\x80 550 5.7.1 Relaying denied \xf8\x88\x80\x80\x80",
    "250-AUTH \xff\n250 STARTTLS\nSTARTTLS\n220 x\n250 AUTH LOGIN\n221\n221 \n5.5.5.5.5.5\n",
    "{host}{port}{cert-names}{nope}{{}}{",
  };
  g_autoptr(GString) big = g_string_new (NULL);
  HintCase c = { "", NULL, "rcpt", E(REJECTED), NULL, NULL, .rcpt = "550 5.7.1 \xff\xfe relay \x1b]0;title\x07" };
  g_autoptr(SdReport) report = report_from_case (&c);
  g_autoptr(GPtrArray) from_report = sd_diagnose_report (report);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (texts[i]);
      g_autofree char *out = sd_hints_to_text (hints);
      g_autofree char *json = sd_hints_to_json (hints);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_nonnull (json);
    }

  for (guint i = 0; i < 20000; i++)
    g_string_append (big, "2026-11-23 10:00:00 smtp[123]: 550 5.7.1 <x@example.net>: Relay access denied\n");
  {
    g_autoptr(GPtrArray) hints = sd_hints_diagnose_text (big->str);
    g_assert_cmpstr (((SdHint *) hints->pdata[0])->id, ==, "postfix-relay-access-denied");
  }

  /* Nothing from the server reaches the hint unescaped. */
  g_assert_cmpstr (((SdHint *) from_report->pdata[0])->id, ==, "relay-denied");
  for (guint i = 0; i < from_report->len; i++)
    {
      const SdHint *hint = from_report->pdata[i];
      for (guint j = 0; j < hint->evidence->len; j++)
        g_assert_null (strchr (hint->evidence->pdata[j], '\x1b'));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hints/kb/every-rule-has-a-case", test_every_rule_has_a_case);
  g_test_add_func ("/hints/kb/validation", test_validation);
  g_test_add_func ("/hints/extract", test_extract);
  g_test_add_func ("/hints/extract-reply", test_extract_reply);
  g_test_add_func ("/hints/products-first", test_products_first);
  g_test_add_func ("/hints/client-error-fallback", test_client_error_fallback);
  g_test_add_func ("/hints/success-is-quiet", test_success_is_quiet);
  g_test_add_func ("/hints/fallback-follows-failure", test_fallback_follows_failure);
  g_test_add_func ("/hints/json-shape", test_json_shape);
  g_test_add_func ("/hints/nothing-to-say", test_nothing_to_say);
  g_test_add_func ("/hints/text-header", test_text_header);
  g_test_add_func ("/hints/hostile-input", test_hostile_input);
  for (guint i = 0; i < G_N_ELEMENTS (hint_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hints/case/%03u-%s", i, hint_cases[i].expect);
      g_test_add_data_func (path, &hint_cases[i], test_case);
    }
  g_test_add_func ("/hints/ranking-share", test_ranking_share);
  return g_test_run ();
}

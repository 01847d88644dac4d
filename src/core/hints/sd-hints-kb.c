/* sd-hints-kb.c: loading and checking the hints knowledge base
 *
 * Strict on purpose: this same code runs at build time (sd-hints-validate) so that a
 * rule with a typo fails the build instead of silently never matching for a user.
 * The build also compiles the JSON (sd-json-variant.c) into the GResource: the engine
 * reads that, and never parses JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
#include "sd-json-variant-private.h"
#include "sd-stage.h"

G_DEFINE_QUARK (sd-hints-error-quark, sd_hints_error)

const char * const _sd_hint_known_facts[] = {
  "credentials-given",     /* a user name was configured, or AUTH was sent */
  "no-credentials",
  "mode-none", "mode-starttls", "mode-starttls-optional", "mode-tls",
  "port-25", "port-465", "port-587", "port-2525",
  "tls-used",              /* the session ran inside TLS at the end */
  "starttls-offered",      /* in the EHLO before TLS */
  "starttls-missing",      /* EHLO answered, no STARTTLS */
  "auth-offered",          /* some AUTH in the capabilities in force */
  "no-auth-offered",       /* EHLO answered, no AUTH in force */
  "no-auth-anywhere",      /* no AUTH before TLS, nor after it */
  "auth-after-tls-only",   /* no AUTH before STARTTLS, AUTH after it */
  "basic-auth-after-tls",  /* before TLS only GSSAPI/NTLM, LOGIN/PLAIN after (or likely) */
  "integrated-auth-only",  /* AUTH in force has only GSSAPI/NTLM */
  "auth-failed",           /* the server refused our credentials (5xx/4xx to AUTH) */
  "auth-mechanism-not-offered", /* the mechanism tried is not in the EHLO's AUTH list */
  "auth-used-ntlm",        /* AUTH NTLM was sent (and the variable auth-mechanism set) */
  "auth-used-oauth",       /* AUTH XOAUTH2 or OAUTHBEARER was sent */
  "auth-used-gssapi",      /* AUTH GSSAPI was tried */
  /* What Kerberos said before or during AUTH GSSAPI (sd-gss.h) */
  "gssapi-spn-unknown", "gssapi-clock-skew", "gssapi-no-credentials", "gssapi-realm-unknown",
  "gssapi-bad-password", "gssapi-user-unknown", "gssapi-ticket-expired", "gssapi-error",
  "oauth-offered",         /* XOAUTH2 or OAUTHBEARER in the capabilities in force */
  "oauth-error",           /* the server sent a "334 <base64 JSON>" OAuth error */
  "oauth-invalid-token",   /* ... with status 401 / invalid_token */
  "oauth-insufficient-scope", /* ... with status 403 / insufficient_scope */
  "oauth-bad-request",     /* ... with status 400 / invalid_request */
  "oauth-token-expired",   /* the access token's own claims (sd-jwt.c): exp passed */
  "oauth-token-expiring",  /* ... exp within minutes */
  "oauth-wrong-audience",  /* ... aud is not Exchange Online */
  "oauth-missing-scope",   /* ... no SMTP.Send in scp (or SMTP.SendAsApp in roles) */
  "oauth-wrong-tenant",    /* ... tid is not the tenant signed in to */
  "oauth-app-only",        /* ... roles, no scp: a client-credentials token */
  "server-closed",         /* the server dropped the connection */
  "unsolicited-221",       /* 221 without our QUIT */
  "closed-after-auth",
  "closed-after-ehlo",
  "error-resolve", "error-connect", "error-timeout", "error-tls", "error-auth",
  "error-rejected", "error-protocol",
  "connect-refused", "connect-timeout", "connect-unreachable", "greeting-timeout",
  "plain-on-implicit-tls-port", /* 465 without implicit TLS */
  "tls-at-once",           /* no greeting, but a TLS handshake was answered (any port) */
  "tls-on-plain-port",     /* implicit TLS on 25/587 */
  "tls-handshake-failed",
  "tls-old-version",       /* TLS 1.0 or 1.1 negotiated */
  "cert-unverified", "cert-self-signed", "cert-expired", "cert-name-mismatch",
  "cert-unknown-ca", "cert-accept-any",
  "ehlo-refused",
  "rcpt-rejected",         /* some recipient refused */
  /* Pasted text: who answered, from host names, banners, tags and log shapes... */
  "server-exchange", "server-exchange-online", "server-gmail", "server-postfix",
  "server-exim", "server-kerio", "server-hmailserver", "server-iis-smtp",
  "server-amazon-ses", "server-sendgrid", "server-mailgun", "server-postmark",
  "server-mail-gateway", "server-yahoo", "server-icloud", "server-zoho", "server-outlook-com",
  /* ... who sent: the client library or program, from exception types and messages... */
  "client-dotnet", "client-mailkit", "client-java", "client-phpmailer", "client-symfony",
  "client-python", "client-nodemailer", "client-powershell", "client-outlook",
  "client-curl", "client-swaks", "client-msmtp",
  "sender-appliance",      /* a device's notification settings: NAS, scanner, BMC, UPS... */
  /* ... and the language of the words around the codes. */
  "text-de", "text-fr",
  /* What pasted text says about TLS and DNS (data/hints/evidence.json "facts"): */
  "tls-server-too-old",    /* the client refuses the server's old protocol version */
  "tls-client-too-old",    /* the server refuses the client's old protocol version */
  "cert-text-self-signed", "cert-text-unknown-ca", "cert-text-missing-intermediate",
  "cert-text-name-mismatch", "cert-text-expired",
  "resolve-all-fail",      /* the resolver itself fails (every name), not one name */
  "port25-blocked",        /* port 25 fails to several servers, or while 587 works */
  "mx-host-no-address",    /* the recipient domain's MX host has no address */
  "resolve-name-unknown",  /* one name does not exist (NXDOMAIN, ENOTFOUND) */
  NULL
};

const char * const _sd_hint_known_products[] = {
  "exchange", "exchange-2003", "exchange-online", "gmail", "postfix", "kerio",
  "iis-smtp", "sharepoint", "network", "azure", "generic",
  "exim", "hmailserver", "amazon-ses", "sendgrid", "mailgun", "postmark", "mail-gateway",
  "appliance", "client-code", "windows", "yahoo", "icloud", "zoho", "outlook-com", NULL
};

typedef struct {
  GString  *problems;
  gboolean  translate;
} SdKbLoad;

static void
sd_kb_problem (SdKbLoad   *load,
               const char *rule,
               const char *format,
               ...) G_GNUC_PRINTF (3, 4);

static void
sd_kb_problem (SdKbLoad   *load,
               const char *rule,
               const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_printf (load->problems, "\n  %s: ", rule ? rule : "(file)");
  g_string_append_vprintf (load->problems, format, args);
  va_end (args);
}

static char *
sd_kb_string (SdKbLoad   *load,
              const char *text)
{
  /* Translations are looked up by their English msgid, kept verbatim in the file. */
  return g_strdup (load->translate ? g_dgettext (GETTEXT_PACKAGE, text) : text);
}

static void
sd_hint_rule_free (SdHintRule *rule)
{
  g_free (rule->id);
  g_free (rule->title);
  g_free (rule->detail);
  g_clear_pointer (&rule->codes, g_ptr_array_unref);
  g_clear_pointer (&rule->enhanced, g_ptr_array_unref);
  g_clear_pointer (&rule->text, g_ptr_array_unref);
  g_clear_pointer (&rule->regex_src, g_ptr_array_unref);
  g_clear_pointer (&rule->regex, g_ptr_array_unref);
  g_clear_pointer (&rule->in_reply, g_ptr_array_unref);
  g_free (rule->refines);
  g_clear_pointer (&rule->servers, g_ptr_array_unref);
  g_clear_pointer (&rule->clients, g_ptr_array_unref);
  g_free (rule->source);
  g_clear_pointer (&rule->facts, g_ptr_array_unref);
  g_clear_pointer (&rule->not_facts, g_ptr_array_unref);
  g_clear_pointer (&rule->any_facts, g_ptr_array_unref);
  g_clear_pointer (&rule->fixes, g_ptr_array_unref);
  g_free (rule);
}

void
_sd_hint_kb_free (SdHintKb *kb)
{
  if (kb == NULL)
    return;
  g_clear_pointer (&kb->rules, g_ptr_array_unref);
  g_clear_pointer (&kb->products, g_hash_table_unref);
  g_clear_pointer (&kb->classes, g_hash_table_unref);
  g_clear_pointer (&kb->subjects, g_hash_table_unref);
  g_clear_pointer (&kb->details, g_hash_table_unref);
  g_clear_pointer (&kb->basic, g_hash_table_unref);
  g_free (kb);
}

static gboolean
sd_kb_in_list (const char * const *list,
               const char         *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_str_equal (list[i], name))
      return TRUE;
  return FALSE;
}

/* "535", "53x", "5xx" */
static gboolean
sd_kb_code_valid (const char *code)
{
  if (strlen (code) != 3 || code[0] < '2' || code[0] > '5')
    return FALSE;
  for (guint i = 1; i < 3; i++)
    if (!g_ascii_isdigit (code[i]) && code[i] != 'x')
      return FALSE;
  return !(code[1] == 'x' && code[2] != 'x');
}

/* "5.7.8", "5.7.*", "5.*.*", "*.7.1" (any class) */
static gboolean
sd_kb_enhanced_valid (const char *code)
{
  g_auto(GStrv) parts = g_strsplit (code, ".", -1);

  if (g_strv_length (parts) != 3)
    return FALSE;
  if (!g_str_equal (parts[0], "*") &&
      !(strlen (parts[0]) == 1 && strchr ("245", parts[0][0]) != NULL))
    return FALSE;
  for (guint i = 1; i < 3; i++)
    {
      if (g_str_equal (parts[i], "*"))
        continue;
      if (*parts[i] == '\0' || strlen (parts[i]) > 3)
        return FALSE;
      for (const char *p = parts[i]; *p; p++)
        if (!g_ascii_isdigit (*p))
          return FALSE;
    }
  return TRUE;
}

/* A list of strings, each checked by @valid (NULL: any non-empty string). */
static GPtrArray *
sd_kb_strings (SdKbLoad    *load,
               const char  *rule,
               SdJsonNode   object,
               const char  *key,
               gboolean   (*valid) (const char *),
               gboolean     fold)
{
  SdJsonNode array = _sd_json_member (object, key);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);

  if (_sd_json_type (array) == SD_JSON_NONE)
    return result;
  if (_sd_json_type (array) != SD_JSON_ARRAY)
    {
      sd_kb_problem (load, rule, "“%s” must be an array of strings", key);
      return result;
    }
  for (gsize i = 0; i < _sd_json_size (array); i++)
    {
      const char *s = _sd_json_string (_sd_json_child (array, i));
      if (s == NULL || *s == '\0' || (valid != NULL && !valid (s)))
        {
          sd_kb_problem (load, rule, "bad entry %" G_GSIZE_FORMAT " in “%s”", i, key);
          continue;
        }
      g_ptr_array_add (result, fold ? g_utf8_casefold (s, -1) : g_strdup (s));
    }
  return result;
}

static const char *
sd_kb_required_string (SdKbLoad   *load,
                       const char *rule,
                       SdJsonNode  object,
                       const char *key)
{
  const char *s = _sd_json_string (_sd_json_member (object, key));

  if (s == NULL || *s == '\0')
    {
      sd_kb_problem (load, rule, "missing “%s”", key);
      return "";
    }
  return s;
}

/* "servers": ["exchange-online"] names the fact server-exchange-online. */
static void
sd_kb_check_prefixed (SdKbLoad   *load,
                      const char *rule,
                      const char *key,
                      const char *prefix,
                      GPtrArray  *ids)
{
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *fact = g_strconcat (prefix, ids->pdata[i], NULL);
      if (!sd_kb_in_list (_sd_hint_known_facts, fact))
        sd_kb_problem (load, rule, "unknown id “%s” in “%s”", (char *) ids->pdata[i], key);
    }
}

GPtrArray *
_sd_hint_rule_get_regexes (const SdHintRule *rule)
{
  static GMutex lock;
  SdHintRule *mutable_rule = (SdHintRule *) rule;
  GPtrArray *regexes = g_atomic_pointer_get (&mutable_rule->regex);

  if (regexes != NULL)
    return regexes;
  g_mutex_lock (&lock);
  if (rule->regex == NULL)
    {
      regexes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_regex_unref);
      for (guint i = 0; i < rule->regex_src->len; i++)
        {
          /* Checked at build time: a failure here is a packaging bug. */
          GRegex *regex = g_regex_new (rule->regex_src->pdata[i], G_REGEX_CASELESS, 0, NULL);
          if (regex != NULL)
            g_ptr_array_add (regexes, regex);
        }
      g_atomic_pointer_set (&mutable_rule->regex, regexes);
    }
  g_mutex_unlock (&lock);
  return rule->regex;
}

static void
sd_kb_check_facts (SdKbLoad   *load,
                   const char *id,
                   GPtrArray  *facts)
{
  for (guint i = 0; i < facts->len; i++)
    if (!sd_kb_in_list (_sd_hint_known_facts, facts->pdata[i]))
      sd_kb_problem (load, id, "unknown fact “%s”", (char *) facts->pdata[i]);
}

static void
sd_kb_load_match (SdKbLoad   *load,
                  SdHintRule *rule,
                  SdJsonNode  match)
{
  g_autoptr(GPtrArray) stages = NULL;
  if (_sd_json_type (match) != SD_JSON_OBJECT)
    sd_kb_problem (load, rule->id, "missing “match” object");
  stages = sd_kb_strings (load, rule->id, match, "stages", NULL, FALSE);
  for (guint i = 0; i < stages->len; i++)
    {
      SdStage stage;
      if (!sd_stage_from_string (stages->pdata[i], &stage))
        sd_kb_problem (load, rule->id, "unknown stage “%s”", (char *) stages->pdata[i]);
      else
        rule->stages |= 1u << stage;
    }
  rule->codes = sd_kb_strings (load, rule->id, match, "codes", sd_kb_code_valid, FALSE);
  rule->enhanced = sd_kb_strings (load, rule->id, match, "enhanced", sd_kb_enhanced_valid, FALSE);
  rule->text = sd_kb_strings (load, rule->id, match, "text", NULL, TRUE);
  rule->facts = sd_kb_strings (load, rule->id, match, "facts", NULL, FALSE);
  rule->not_facts = sd_kb_strings (load, rule->id, match, "not_facts", NULL, FALSE);
  rule->any_facts = sd_kb_strings (load, rule->id, match, "any_facts", NULL, FALSE);
  sd_kb_check_facts (load, rule->id, rule->facts);
  sd_kb_check_facts (load, rule->id, rule->not_facts);
  sd_kb_check_facts (load, rule->id, rule->any_facts);

  /* Compiled here only to check them (the validator); the engine compiles a rule's
   * regexes when a text first gets that far (_sd_hint_rule_get_regexes()). */
  rule->regex_src = sd_kb_strings (load, rule->id, match, "regex", NULL, FALSE);
  for (guint i = 0; i < rule->regex_src->len && !load->translate; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRegex) regex = g_regex_new (rule->regex_src->pdata[i], G_REGEX_CASELESS, 0, &error);
      if (regex == NULL)
        sd_kb_problem (load, rule->id, "regex “%s” does not compile: %s",
                       (char *) rule->regex_src->pdata[i], error->message);
    }

  rule->in_reply = sd_kb_strings (load, rule->id, match, "in_reply", NULL, TRUE);
  rule->servers = sd_kb_strings (load, rule->id, match, "servers", NULL, FALSE);
  rule->clients = sd_kb_strings (load, rule->id, match, "clients", NULL, FALSE);
  sd_kb_check_prefixed (load, rule->id, "servers", "server-", rule->servers);
  sd_kb_check_prefixed (load, rule->id, "clients", "client-", rule->clients);

  if (rule->facts->len == 0 && rule->text->len == 0 && rule->regex_src->len == 0 &&
      rule->any_facts->len == 0 &&
      rule->in_reply->len == 0 &&
      rule->enhanced->len == 0 && rule->codes->len == 0)
    sd_kb_problem (load, rule->id, "“match” has nothing to trigger on "
                   "(facts, any_facts, text, regex, enhanced or codes)");
}

static void
sd_kb_load_fixes (SdKbLoad   *load,
                  SdHintKb   *kb,
                  SdHintRule *rule,
                  SdJsonNode  fixes)
{
  rule->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  if (_sd_json_type (fixes) != SD_JSON_OBJECT || _sd_json_size (fixes) == 0)
    {
      sd_kb_problem (load, rule->id, "“fixes” must be an object with at least one product");
      return;
    }
  for (gsize f = 0; f < _sd_json_size (fixes); f++)
    {
      SdJsonNode steps = _sd_json_child (fixes, f);
      const char *product = _sd_json_key (steps);
      SdHintFix *fix;

      if (!sd_kb_in_list (_sd_hint_known_products, product) ||
          !g_hash_table_contains (kb->products, product))
        {
          sd_kb_problem (load, rule->id, "unknown product “%s”", product);
          continue;
        }
      if (_sd_json_type (steps) != SD_JSON_ARRAY || _sd_json_size (steps) == 0)
        {
          sd_kb_problem (load, rule->id, "fixes for “%s” must be a non-empty array", product);
          continue;
        }
      fix = g_new0 (SdHintFix, 1);
      fix->product = g_strdup (product);
      fix->label = g_strdup (g_hash_table_lookup (kb->products, product));
      fix->steps = g_ptr_array_new_with_free_func (g_free);
      for (gsize i = 0; i < _sd_json_size (steps); i++)
        {
          const char *s = _sd_json_string (_sd_json_child (steps, i));
          if (s == NULL || *s == '\0')
            sd_kb_problem (load, rule->id, "empty step %" G_GSIZE_FORMAT " for “%s”", i, product);
          else
            g_ptr_array_add (fix->steps, sd_kb_string (load, s));
        }
      g_ptr_array_add (rule->fixes, fix);
    }
}

/* ^[a-z0-9][a-z0-9.-]*$, without compiling a regex per rule */
static gboolean
sd_kb_id_valid (const char *id)
{
  if (id == NULL || !(g_ascii_islower (*id) || g_ascii_isdigit (*id)))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '.' && *p != '-')
      return FALSE;
  return TRUE;
}

static void
sd_kb_load_rule (SdKbLoad   *load,
                 SdHintKb   *kb,
                 GHashTable *seen,
                 size_t      index,
                 SdJsonNode  object)
{
  SdHintRule *rule = g_new0 (SdHintRule, 1);
  const char *id = _sd_json_string (_sd_json_member (object, "id"));
  const char *severity, *when;
  SdJsonNode weight, source;
  g_autofree char *where = g_strdup_printf ("rule %zu", index);

  if (!sd_kb_id_valid (id))
    {
      sd_kb_problem (load, where, "missing or malformed “id” (lower case, digits, '-', '.')");
      id = where;
    }
  else if (!g_hash_table_add (seen, g_strdup (id)))
    sd_kb_problem (load, id, "duplicate id");
  rule->id = g_strdup (id);

  severity = sd_kb_required_string (load, id, object, "severity");
  if (g_str_equal (severity, "error"))
    rule->severity = SD_HINT_ERROR;
  else if (g_str_equal (severity, "warning"))
    rule->severity = SD_HINT_WARNING;
  else if (g_str_equal (severity, "info"))
    rule->severity = SD_HINT_INFO;
  else
    sd_kb_problem (load, id, "severity must be error, warning or info");

  when = _sd_json_string (_sd_json_member (object, "when"));
  if (when == NULL || g_str_equal (when, "failure"))
    rule->when = SD_HINT_WHEN_FAILURE;
  else if (g_str_equal (when, "success"))
    rule->when = SD_HINT_WHEN_SUCCESS;
  else if (g_str_equal (when, "any"))
    rule->when = SD_HINT_WHEN_ANY;
  else
    sd_kb_problem (load, id, "“when” must be failure, success or any");

  weight = _sd_json_member (object, "weight");
  if (_sd_json_type (weight) != SD_JSON_NONE &&
      (_sd_json_type (weight) != SD_JSON_INTEGER || _sd_json_integer (weight) < -20 ||
       _sd_json_integer (weight) > 20))
    sd_kb_problem (load, id, "“weight” must be an integer in -20..20");
  rule->weight = (int) _sd_json_integer (weight);

  source = _sd_json_member (object, "source");
  if (_sd_json_type (source) != SD_JSON_NONE &&
      (_sd_json_string (source) == NULL || *_sd_json_string (source) == '\0'))
    sd_kb_problem (load, id, "“source” must be a non-empty string (a URL or a document)");
  else if (_sd_json_type (source) == SD_JSON_NONE)
    sd_kb_problem (load, id, "missing “source” (where the rule's facts come from)");
  rule->source = g_strdup (_sd_json_string (source));
  rule->refines = g_strdup (_sd_json_string (_sd_json_member (object, "refines")));
  if (_sd_json_type (_sd_json_member (object, "refines")) != SD_JSON_NONE &&
      !sd_kb_id_valid (rule->refines))
    sd_kb_problem (load, id, "“refines” must be a rule id");

  rule->title = sd_kb_string (load, sd_kb_required_string (load, id, object, "title"));
  rule->detail = sd_kb_string (load, sd_kb_required_string (load, id, object, "detail"));
  sd_kb_load_match (load, rule, _sd_json_member (object, "match"));
  sd_kb_load_fixes (load, kb, rule, _sd_json_member (object, "fixes"));
  g_ptr_array_add (kb->rules, rule);
}

static GHashTable *
sd_kb_load_table (SdKbLoad   *load,
                  SdJsonNode  parent,
                  const char *key)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  SdJsonNode object = _sd_json_member (parent, key);

  if (_sd_json_type (object) != SD_JSON_OBJECT)
    {
      sd_kb_problem (load, NULL, "missing object “%s”", key);
      return table;
    }
  for (gsize i = 0; i < _sd_json_size (object); i++)
    {
      SdJsonNode value = _sd_json_child (object, i);
      const char *name = _sd_json_key (value);
      const char *text = _sd_json_string (value);
      if (text == NULL || *text == '\0')
        sd_kb_problem (load, NULL, "“%s” / “%s” must be a string", key, name);
      else
        g_hash_table_insert (table, g_strdup (name), sd_kb_string (load, text));
    }
  return table;
}

static json_t *
sd_kb_parse (GString    *problems,
             const char *name,
             GBytes     *bytes)
{
  json_error_t json_error;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  json_t *root = json_loadb (data, len, JSON_REJECT_DUPLICATES, &json_error);

  if (root == NULL)
    g_string_append_printf (problems, "\n  %s: line %d: %s",
                            name, json_error.line, json_error.text);
  return root;
}

static void
sd_kb_load_base (SdKbLoad *load,
                 SdHintKb *kb,
                 SdJsonNode root)
{
  SdJsonNode status;

  kb->products = sd_kb_load_table (load, root, "products");
  for (guint p = 0; _sd_hint_known_products[p] != NULL; p++)
    if (!g_hash_table_contains (kb->products, _sd_hint_known_products[p]))
      sd_kb_problem (load, NULL, "no label for product “%s”", _sd_hint_known_products[p]);

  status = _sd_json_member (root, "status_codes");
  kb->classes = sd_kb_load_table (load, status, "class");
  kb->subjects = sd_kb_load_table (load, status, "subject");
  kb->details = sd_kb_load_table (load, status, "detail");
  kb->basic = sd_kb_load_table (load, status, "basic");
}

static void
sd_kb_load_rules (SdKbLoad   *load,
                  SdHintKb   *kb,
                  GHashTable *seen,
                  const char *name,
                  SdJsonNode  root)
{
  SdJsonNode rules = _sd_json_member (root, "rules");

  if (_sd_json_type (rules) != SD_JSON_ARRAY || _sd_json_size (rules) == 0)
    g_string_append_printf (load->problems, "\n  %s: missing “rules” array", name);
  else
    for (gsize i = 0; i < _sd_json_size (rules); i++)
      sd_kb_load_rule (load, kb, seen, i, _sd_json_child (rules, i));
}

SdHintKb *
_sd_hint_kb_load_compiled (GVariant  *compiled,
                           gboolean   translate,
                           GError   **error)
{
  g_autoptr(SdHintKb) kb = g_new0 (SdHintKb, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(SdJsonDoc) doc = _sd_json_doc_new (compiled);
  SdKbLoad load = { problems, translate };
  SdJsonNode files;

  if (doc == NULL)
    {
      g_set_error_literal (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID,
                           "the compiled hints knowledge base is damaged");
      return NULL;
    }
  files = _sd_json_doc_root (doc);
  kb->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_rule_free);
  for (gsize f = 0; f < _sd_json_size (files); f++)
    {
      SdJsonNode file = _sd_json_child (files, f);
      const char *name = _sd_json_string (_sd_json_child (file, 0));

      if (f == 0)
        sd_kb_load_base (&load, kb, _sd_json_child (file, 1));
      else
        sd_kb_load_rules (&load, kb, seen, name, _sd_json_child (file, 1));
    }
  if (kb->rules->len == 0)
    sd_kb_problem (&load, NULL, "no rules");
  for (guint r = 0; r < kb->rules->len; r++)
    {
      const SdHintRule *rule = kb->rules->pdata[r];
      if (rule->refines != NULL && !g_hash_table_contains (seen, rule->refines))
        sd_kb_problem (&load, rule->id, "“refines” names no rule: “%s”", rule->refines);
    }

  if (problems->len > 0)
    {
      g_set_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID,
                   "the hints knowledge base is invalid:%s", problems->str);
      return NULL;
    }
  return g_steal_pointer (&kb);
}

GVariant *
_sd_hint_kb_compile (GBytes            *base,
                     GPtrArray         *rule_files,
                     const char *const *names,
                     GError           **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  json_t *files = json_array ();
  GVariant *compiled = NULL;

  /* [[name, the file's JSON], ...]: the base first. */
  for (guint f = 0; f <= rule_files->len; f++)
    {
      json_t *root = sd_kb_parse (problems, names[f], f == 0 ? base : rule_files->pdata[f - 1]);
      if (root != NULL)
        json_array_append_new (files, json_pack ("[so]", names[f], root));
    }
  if (problems->len > 0)
    g_set_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID,
                 "the hints knowledge base is invalid:%s", problems->str);
  else
    compiled = _sd_json_compile (files);
  json_decref (files);
  return compiled;
}

SdHintKb *
_sd_hint_kb_load (GBytes            *base,
                  GPtrArray         *rule_files,
                  const char *const *names,
                  gboolean           translate,
                  GError           **error)
{
  g_autoptr(GVariant) compiled = _sd_hint_kb_compile (base, rule_files, names, error);

  return compiled != NULL ? _sd_hint_kb_load_compiled (compiled, translate, error) : NULL;
}

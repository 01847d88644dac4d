/* sd-hints-kb.c: loading and checking the hints knowledge base
 *
 * Strict on purpose: this same code runs at build time (sd-hints-validate) so that a
 * rule with a typo fails the build instead of silently never matching for a user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <jansson.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
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
  g_clear_pointer (&rule->servers, g_ptr_array_unref);
  g_clear_pointer (&rule->clients, g_ptr_array_unref);
  g_free (rule->source);
  g_clear_pointer (&rule->facts, g_ptr_array_unref);
  g_clear_pointer (&rule->not_facts, g_ptr_array_unref);
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
               json_t      *object,
               const char  *key,
               gboolean   (*valid) (const char *),
               gboolean     fold)
{
  json_t *array = json_object_get (object, key);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);
  size_t i;
  json_t *item;

  if (array == NULL)
    return result;
  if (!json_is_array (array))
    {
      sd_kb_problem (load, rule, "“%s” must be an array of strings", key);
      return result;
    }
  json_array_foreach (array, i, item)
    {
      const char *s = json_string_value (item);
      if (s == NULL || *s == '\0' || (valid != NULL && !valid (s)))
        {
          sd_kb_problem (load, rule, "bad entry %zu in “%s”", i, key);
          continue;
        }
      g_ptr_array_add (result, fold ? g_utf8_casefold (s, -1) : g_strdup (s));
    }
  return result;
}

static const char *
sd_kb_required_string (SdKbLoad   *load,
                       const char *rule,
                       json_t     *object,
                       const char *key)
{
  const char *s = json_string_value (json_object_get (object, key));

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
sd_kb_load_match (SdKbLoad   *load,
                  SdHintRule *rule,
                  json_t     *match)
{
  g_autoptr(GPtrArray) stages = NULL;
  if (!json_is_object (match))
    {
      sd_kb_problem (load, rule->id, "missing “match” object");
      match = NULL;
    }
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
  for (guint i = 0; i < rule->facts->len; i++)
    if (!sd_kb_in_list (_sd_hint_known_facts, rule->facts->pdata[i]))
      sd_kb_problem (load, rule->id, "unknown fact “%s”", (char *) rule->facts->pdata[i]);
  for (guint i = 0; i < rule->not_facts->len; i++)
    if (!sd_kb_in_list (_sd_hint_known_facts, rule->not_facts->pdata[i]))
      sd_kb_problem (load, rule->id, "unknown fact “%s”", (char *) rule->not_facts->pdata[i]);

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
      rule->in_reply->len == 0 &&
      rule->enhanced->len == 0 && rule->codes->len == 0)
    sd_kb_problem (load, rule->id, "“match” has nothing to trigger on "
                   "(facts, text, regex, enhanced or codes)");
}

static void
sd_kb_load_fixes (SdKbLoad   *load,
                  SdHintKb   *kb,
                  SdHintRule *rule,
                  json_t     *fixes)
{
  const char *product;
  json_t *steps;

  rule->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_fix_free);
  if (!json_is_object (fixes) || json_object_size (fixes) == 0)
    {
      sd_kb_problem (load, rule->id, "“fixes” must be an object with at least one product");
      return;
    }
  json_object_foreach (fixes, product, steps)
    {
      SdHintFix *fix;
      size_t i;
      json_t *step;

      if (!sd_kb_in_list (_sd_hint_known_products, product) ||
          !g_hash_table_contains (kb->products, product))
        {
          sd_kb_problem (load, rule->id, "unknown product “%s”", product);
          continue;
        }
      if (!json_is_array (steps) || json_array_size (steps) == 0)
        {
          sd_kb_problem (load, rule->id, "fixes for “%s” must be a non-empty array", product);
          continue;
        }
      fix = g_new0 (SdHintFix, 1);
      fix->product = g_strdup (product);
      fix->label = g_strdup (g_hash_table_lookup (kb->products, product));
      fix->steps = g_ptr_array_new_with_free_func (g_free);
      json_array_foreach (steps, i, step)
        {
          const char *s = json_string_value (step);
          if (s == NULL || *s == '\0')
            sd_kb_problem (load, rule->id, "empty step %zu for “%s”", i, product);
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
                 json_t     *object)
{
  SdHintRule *rule = g_new0 (SdHintRule, 1);
  const char *id = json_string_value (json_object_get (object, "id"));
  const char *severity, *when;
  json_t *weight, *source;
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

  when = json_string_value (json_object_get (object, "when"));
  if (when == NULL || g_str_equal (when, "failure"))
    rule->when = SD_HINT_WHEN_FAILURE;
  else if (g_str_equal (when, "success"))
    rule->when = SD_HINT_WHEN_SUCCESS;
  else if (g_str_equal (when, "any"))
    rule->when = SD_HINT_WHEN_ANY;
  else
    sd_kb_problem (load, id, "“when” must be failure, success or any");

  weight = json_object_get (object, "weight");
  if (weight != NULL && (!json_is_integer (weight) || json_integer_value (weight) < -20 ||
                         json_integer_value (weight) > 20))
    sd_kb_problem (load, id, "“weight” must be an integer in -20..20");
  rule->weight = weight != NULL ? (int) json_integer_value (weight) : 0;

  source = json_object_get (object, "source");
  if (source != NULL && (!json_is_string (source) || *json_string_value (source) == '\0'))
    sd_kb_problem (load, id, "“source” must be a non-empty string (a URL or a document)");
  else if (source == NULL)
    sd_kb_problem (load, id, "missing “source” (where the rule's facts come from)");
  rule->source = g_strdup (json_string_value (source));

  rule->title = sd_kb_string (load, sd_kb_required_string (load, id, object, "title"));
  rule->detail = sd_kb_string (load, sd_kb_required_string (load, id, object, "detail"));
  sd_kb_load_match (load, rule, json_object_get (object, "match"));
  sd_kb_load_fixes (load, kb, rule, json_object_get (object, "fixes"));
  g_ptr_array_add (kb->rules, rule);
}

static GHashTable *
sd_kb_load_table (SdKbLoad   *load,
                  json_t     *parent,
                  const char *key)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  json_t *object = json_object_get (parent, key);
  const char *name;
  json_t *value;

  if (!json_is_object (object))
    {
      sd_kb_problem (load, NULL, "missing object “%s”", key);
      return table;
    }
  json_object_foreach (object, name, value)
    {
      if (!json_is_string (value) || *json_string_value (value) == '\0')
        sd_kb_problem (load, NULL, "“%s” / “%s” must be a string", key, name);
      else
        g_hash_table_insert (table, g_strdup (name), sd_kb_string (load, json_string_value (value)));
    }
  return table;
}

static json_t *
sd_kb_parse (SdKbLoad   *load,
             const char *name,
             GBytes     *bytes)
{
  json_error_t json_error;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  json_t *root = json_loadb (data, len, JSON_REJECT_DUPLICATES, &json_error);

  if (root == NULL)
    g_string_append_printf (load->problems, "\n  %s: line %d: %s",
                            name, json_error.line, json_error.text);
  return root;
}

static void
sd_kb_load_base (SdKbLoad *load,
                 SdHintKb *kb,
                 json_t   *root)
{
  json_t *status;

  kb->products = sd_kb_load_table (load, root, "products");
  for (guint p = 0; _sd_hint_known_products[p] != NULL; p++)
    if (!g_hash_table_contains (kb->products, _sd_hint_known_products[p]))
      sd_kb_problem (load, NULL, "no label for product “%s”", _sd_hint_known_products[p]);

  status = json_object_get (root, "status_codes");
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
                  json_t     *root)
{
  json_t *rules = json_object_get (root, "rules"), *rule;
  size_t i;

  if (!json_is_array (rules) || json_array_size (rules) == 0)
    g_string_append_printf (load->problems, "\n  %s: missing “rules” array", name);
  else
    json_array_foreach (rules, i, rule)
      sd_kb_load_rule (load, kb, seen, i, rule);
}

SdHintKb *
_sd_hint_kb_load (GBytes            *base,
                  GPtrArray         *rule_files,
                  const char *const *names,
                  gboolean           translate,
                  GError           **error)
{
  g_autoptr(SdHintKb) kb = g_new0 (SdHintKb, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  SdKbLoad load = { problems, translate };
  json_t *root;

  kb->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_rule_free);
  root = sd_kb_parse (&load, names[0], base);
  if (root != NULL)
    sd_kb_load_base (&load, kb, root);
  json_decref (root);

  for (guint f = 0; f < rule_files->len; f++)
    {
      root = sd_kb_parse (&load, names[f + 1], rule_files->pdata[f]);
      if (root != NULL)
        sd_kb_load_rules (&load, kb, seen, names[f + 1], root);
      json_decref (root);
    }
  if (kb->rules->len == 0)
    sd_kb_problem (&load, NULL, "no rules");

  if (problems->len > 0)
    {
      g_set_error (error, SD_HINTS_ERROR, SD_HINTS_ERROR_INVALID,
                   "the hints knowledge base is invalid:%s", problems->str);
      return NULL;
    }
  return g_steal_pointer (&kb);
}

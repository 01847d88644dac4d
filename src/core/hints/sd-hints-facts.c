/* sd-hints-facts.c: what the rules match against, from a report or from pasted text
 *
 * Facts are the things a reply's text does not say by itself but the session shows:
 * AUTH offered only after STARTTLS, no AUTH at all while credentials were given, the
 * certificate's problems. Pasted text gets the same facts where the text shows them
 * (EHLO lines before and after STARTTLS, a 221 nobody asked for).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "sd-hints.h"
#include "sd-hints-private.h"
#include "sd-session-error.h"

/* Mechanisms that carry a password the user typed: what "basic auth" means to an app. */
static const char * const basic_mechanisms[] = {
  "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER", "SCRAM-SHA-1", "SCRAM-SHA-256", NULL
};

void
_sd_hint_input_free (SdHintInput *input)
{
  if (input == NULL)
    return;
  g_clear_pointer (&input->codes, g_array_unref);
  g_clear_pointer (&input->enhanced, g_ptr_array_unref);
  g_clear_pointer (&input->lines, g_ptr_array_unref);
  g_clear_pointer (&input->folded, g_ptr_array_unref);
  g_clear_pointer (&input->clean, g_ptr_array_unref);
  g_clear_pointer (&input->raw_folded, g_ptr_array_unref);
  g_clear_pointer (&input->replies, g_ptr_array_unref);
  g_clear_pointer (&input->products, g_ptr_array_unref);
  g_clear_pointer (&input->facts, g_hash_table_unref);
  g_clear_pointer (&input->vars, g_hash_table_unref);
  g_free (input);
}

void
_sd_hint_reply_free (SdHintReply *reply)
{
  g_free (reply->enhanced);
  g_free (reply->folded);
  g_free (reply);
}

SdHintInput *
_sd_hint_input_new (void)
{
  SdHintInput *input = g_new0 (SdHintInput, 1);

  input->codes = g_array_new (FALSE, FALSE, sizeof (guint));
  input->enhanced = g_ptr_array_new_with_free_func (g_free);
  input->lines = g_ptr_array_new_with_free_func (g_free);
  input->folded = g_ptr_array_new_with_free_func (g_free);
  input->clean = g_ptr_array_new_with_free_func (g_free);
  input->raw_folded = g_ptr_array_new_with_free_func (g_free);
  input->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) _sd_hint_reply_free);
  input->products = g_ptr_array_new_with_free_func (g_free);
  input->facts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  input->vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return input;
}

void
_sd_hint_input_add_fact (SdHintInput *input,
                         const char  *fact,
                         const char  *evidence)
{
  g_hash_table_replace (input->facts, g_strdup (fact), g_strdup (evidence ? evidence : ""));
}

#define sd_fact _sd_hint_input_add_fact

static void G_GNUC_PRINTF (3, 4)
sd_factf (SdHintInput *input,
          const char  *fact,
          const char  *format,
          ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_hash_table_replace (input->facts, g_strdup (fact), text);
}

static gboolean
sd_has_fact (SdHintInput *input,
             const char  *fact)
{
  return g_hash_table_contains (input->facts, fact);
}

static void
sd_var (SdHintInput *input,
        const char  *name,
        const char  *value)
{
  if (value != NULL && *value != '\0')
    g_hash_table_replace (input->vars, g_strdup (name), g_strdup (value));
}

/* Server text may be any bytes: casefolding and GRegex need valid UTF-8. @clean is
 * @line without its noise (NULL: the same). */
void
_sd_hint_input_add_line (SdHintInput *input,
                         const char  *line,
                         const char  *clean)
{
  char *valid = g_utf8_make_valid (line, -1);
  char *valid_clean = clean != NULL ? g_utf8_make_valid (clean, -1) : g_strdup (valid);

  g_ptr_array_add (input->lines, valid);
  g_ptr_array_add (input->raw_folded, g_utf8_casefold (valid, -1));
  g_ptr_array_add (input->folded, g_utf8_casefold (valid_clean, -1));
  g_ptr_array_add (input->clean, valid_clean);
}

#define sd_add_line(input, line) _sd_hint_input_add_line ((input), (line), NULL)

void
_sd_hint_input_add_code (SdHintInput *input,
                         guint        code)
{
  for (guint i = 0; i < input->codes->len; i++)
    if (g_array_index (input->codes, guint, i) == code)
      return;
  g_array_append_val (input->codes, code);
}

void
_sd_hint_input_add_enhanced (SdHintInput *input,
                             const char  *code)
{
  for (guint i = 0; i < input->enhanced->len; i++)
    if (g_str_equal (input->enhanced->pdata[i], code))
      return;
  g_ptr_array_add (input->enhanced, g_strdup (code));
}

/* --- capabilities ---------------------------------------------------------------- */

static gboolean
sd_caps_has_basic (const SdCapabilities *caps)
{
  for (guint i = 0; basic_mechanisms[i] != NULL; i++)
    if (sd_capabilities_has_auth (caps, basic_mechanisms[i]))
      return TRUE;
  return FALSE;
}

static gboolean
sd_caps_integrated_only (const SdCapabilities *caps)
{
  return caps->auth->len > 0 && !sd_caps_has_basic (caps) &&
         (sd_capabilities_has_auth (caps, "NTLM") || sd_capabilities_has_auth (caps, "GSSAPI"));
}

static const char *
sd_or_none (const char *text)
{
  return text != NULL && *text != '\0' ? text : _("(none)");
}

/* The same for a session and for a transcript: @before and @after are the EHLO
 * capabilities outside and inside TLS, either may be NULL. */
void
_sd_hint_input_derive_capability_facts (SdHintInput          *input,
                                        const SdCapabilities *before,
                                        const SdCapabilities *after,
                                        gboolean              implicit_tls)
{
  const SdCapabilities *in_force = after != NULL ? after : before;
  g_autofree char *auth_before = before ? sd_capabilities_dup_auth_string (before) : NULL;
  g_autofree char *auth_after = after ? sd_capabilities_dup_auth_string (after) : NULL;

  if (in_force == NULL)
    return;
  sd_var (input, "auth-before", sd_or_none (auth_before));
  sd_var (input, "auth-after", sd_or_none (auth_after));

  if (before != NULL && !implicit_tls)
    {
      if (before->starttls)
        sd_fact (input, "starttls-offered", _("EHLO before TLS lists STARTTLS"));
      else
        sd_fact (input, "starttls-missing", _("EHLO does not list STARTTLS"));
    }

  if (in_force->auth->len > 0)
    /* Translators: %s lists AUTH mechanisms such as “LOGIN PLAIN”. */
    sd_factf (input, "auth-offered", _("AUTH offered: %s"), after ? auth_after : auth_before);
  else
    sd_fact (input, "no-auth-offered",
             after != NULL ? _("No AUTH line in the EHLO reply after STARTTLS")
                           : _("No AUTH line in the EHLO reply"));

  /* After a failed STARTTLS the list inside TLS is unknown, not empty. */
  if ((before == NULL || before->auth->len == 0) && (after == NULL || after->auth->len == 0) &&
      (after != NULL || implicit_tls || before == NULL || !before->starttls ||
       sd_has_fact (input, "mode-none")))
    sd_fact (input, "no-auth-anywhere",
             after != NULL && before != NULL ? _("No AUTH line before or after STARTTLS")
                                             : _("No AUTH line in the EHLO reply"));

  if (before != NULL && after != NULL && before->auth->len == 0 && after->auth->len > 0)
    sd_factf (input, "auth-after-tls-only",
              /* Translators: %s lists AUTH mechanisms such as “LOGIN PLAIN”. */
              _("AUTH before STARTTLS: (none); after STARTTLS: %s"), auth_after);

  if (before != NULL && after != NULL && before->auth->len > 0 &&
      !sd_caps_has_basic (before) && sd_caps_has_basic (after))
    sd_factf (input, "basic-auth-after-tls",
              /* Translators: each %s lists AUTH mechanisms such as “LOGIN PLAIN”. */
              _("AUTH before STARTTLS: %s; after STARTTLS: %s"), auth_before, auth_after);
  else if (before != NULL && after == NULL && !implicit_tls && before->starttls &&
           sd_caps_integrated_only (before))
    sd_factf (input, "basic-auth-after-tls",
              /* Translators: %s lists AUTH mechanisms such as “NTLM GSSAPI”. */
              _("AUTH before STARTTLS: %s only, and STARTTLS is offered (LOGIN usually "
                "appears after it)"), auth_before);

  if (sd_capabilities_has_auth (in_force, "XOAUTH2") ||
      sd_capabilities_has_auth (in_force, "OAUTHBEARER"))
    sd_factf (input, "oauth-offered", _("AUTH offered: %s"), after ? auth_after : auth_before);

  if (sd_caps_integrated_only (in_force))
    /* Translators: %s lists AUTH mechanisms such as “NTLM GSSAPI”. */
    sd_factf (input, "integrated-auth-only", _("AUTH offered: %s (Windows integrated only)"),
              after ? auth_after : auth_before);
}

/* --- from a report --------------------------------------------------------------- */

static void
sd_add_reply (SdHintInput   *input,
              const SdReply *reply)
{
  if (reply == NULL)
    return;
  g_autoptr(GString) words = g_string_new (NULL);

  for (guint i = 0; i < reply->lines->len; i++)
    {
      sd_add_line (input, reply->lines->pdata[i]);
      g_string_append_printf (words, "%s\n", (char *) reply->lines->pdata[i]);
    }
  if (reply->code >= 400)
    {
      g_autofree char *valid = g_utf8_make_valid (words->str, -1);
      SdHintReply *quoted = g_new0 (SdHintReply, 1);
      quoted->code = reply->code;
      quoted->enhanced = g_strdup (reply->enhanced);
      quoted->folded = g_utf8_casefold (valid, -1);
      g_ptr_array_add (input->replies, quoted);
    }
  if (reply->code >= 400 || reply->code == 221)
    _sd_hint_input_add_code (input, reply->code);
  if (reply->enhanced != NULL)
    _sd_hint_input_add_enhanced (input, reply->enhanced);
}

static gboolean
sd_cert_matches (const char *pattern,
                 const char *host)
{
  if (g_ascii_strcasecmp (pattern, host) == 0)
    return TRUE;
  if (g_str_has_prefix (pattern, "*."))
    {
      const char *dot = strchr (host, '.');
      return dot != NULL && g_ascii_strcasecmp (pattern + 1, dot) == 0;
    }
  return FALSE;
}

static void
sd_derive_tls_facts (SdHintInput    *input,
                     const SdReport *report)
{
  const SdTlsInfo *tls = report->tls;
  const SdCertInfo *leaf;

  if (tls == NULL)
    return;
  sd_var (input, "tls-version", tls->version);
  if (tls->version != NULL &&
      (g_str_equal (tls->version, "TLS1.0") || g_str_equal (tls->version, "TLS1.1") ||
       g_str_has_prefix (tls->version, "SSL")))
    /* Translators: %s is a TLS version such as TLS1.0. */
    sd_factf (input, "tls-old-version", _("Negotiated %s"), tls->version);
  if (g_strcmp0 (tls->policy, "accept-any") == 0)
    /* Translators: “accept-any” is a setting's value: keep it. */
    sd_fact (input, "cert-accept-any", _("Certificate policy: accept-any"));

  leaf = tls->chain != NULL && tls->chain->len > 0 ? tls->chain->pdata[0] : NULL;
  if (leaf != NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; leaf->sans != NULL && i < leaf->sans->len; i++)
        g_string_append_printf (names, "%s%s", i ? ", " : "", (char *) leaf->sans->pdata[i]);
      sd_var (input, "cert-names", names->len ? names->str : leaf->subject);
      sd_var (input, "cert-subject", leaf->subject);
      sd_var (input, "cert-issuer", leaf->issuer);
      sd_var (input, "cert-expiry", leaf->not_after);
    }
  /* A matching pin is the user's explicit trust in exactly this certificate. */
  if (tls->verified || tls->pin_matched)
    return;

  sd_var (input, "verify-error", tls->verify_error);
  /* Translators: %s says why. */
  sd_factf (input, "cert-unverified", _("Certificate not verified: %s"),
            sd_or_none (tls->verify_error));
  if (leaf != NULL && leaf->self_signed)
    /* Translators: %s is the certificate's subject (CN=…). */
    sd_factf (input, "cert-self-signed", _("Certificate is self-signed: %s"), leaf->subject);
  if (tls->verify_error != NULL)
    {
      /* The flags come from a session; the words from a report built elsewhere (and
       * in English: verify_error is translated in the session). */
      g_autofree char *folded = g_ascii_strdown (tls->verify_error, -1);
      if ((tls->problems & SD_CERT_PROBLEM_EXPIRED) || strstr (folded, "expired") != NULL)
        /* Translators: %s is a date and time (ISO 8601). */
        sd_factf (input, "cert-expired", _("Certificate expired (valid until %s)"),
                  leaf ? leaf->not_after : "?");
      if ((tls->problems & SD_CERT_PROBLEM_NAME_MISMATCH) ||
          strstr (folded, "name mismatch") != NULL)
        sd_fact (input, "cert-name-mismatch", tls->verify_error);
      if ((tls->problems & SD_CERT_PROBLEM_UNKNOWN_ISSUER) ||
          strstr (folded, "unknown issuer") != NULL || strstr (folded, "not trusted") != NULL)
        /* Translators: %s is the issuer's name (CN=…). */
        sd_factf (input, "cert-unknown-ca", _("Issuer not trusted: %s"),
                  leaf && leaf->issuer ? leaf->issuer : "?");
    }
  else if (leaf != NULL && report->host != NULL && leaf->sans != NULL)
    {
      /* Our own check when GnuTLS gave no words: is the host among the names? */
      gboolean found = FALSE;
      for (guint i = 0; i < leaf->sans->len && !found; i++)
        {
          const char *san = leaf->sans->pdata[i];
          const char *colon = strchr (san, ':');
          found = sd_cert_matches (colon ? colon + 1 : san, report->host);
        }
      if (!found)
        /* Translators: %s is the host name the user typed. */
        sd_factf (input, "cert-name-mismatch", _("“%s” is not among the certificate's names"),
                  report->host);
    }
}

/* A mechanism forced (--auth cram-md5) that the EHLO did not list: the server's 5xx
 * then says nothing about the password. "auto" only picks listed ones. */
static void
sd_derive_mechanism_offered (SdHintInput    *input,
                             const SdReport *report,
                             const char     *mech)
{
  const SdCapabilities *caps = sd_report_get_capabilities (report);
  g_autofree char *offered = NULL;

  if (caps == NULL || sd_capabilities_has_auth (caps, mech))
    return;
  offered = sd_capabilities_dup_auth_string (caps);
  sd_var (input, "auth-offered", sd_or_none (offered));
  /* Translators: an AUTH mechanism such as CRAM-MD5, then the list the server offers
   * (“PLAIN LOGIN”). */
  sd_factf (input, "auth-mechanism-not-offered", _("AUTH %s was asked for; the server offers: %s"),
            mech, sd_or_none (offered));
}

/* Which mechanism was tried, and what an OAuth error challenge said. */
static void
sd_derive_mechanism_facts (SdHintInput    *input,
                           const SdReport *report)
{
  const char *mech = report->auth_mechanism;
  const char *status = report->auth_oauth_status;

  /* The mechanism's own finding (Kerberos), which may come before AUTH was sent. */
  if (report->auth_fact != NULL)
    sd_fact (input, report->auth_fact,
             report->error != NULL ? report->error->message : report->auth_fact);
  if (mech == NULL)
    return;
  sd_var (input, "auth-mechanism", mech);
  if (g_ascii_strcasecmp (mech, "GSSAPI") == 0)
    sd_fact (input, "auth-used-gssapi", _("AUTH GSSAPI was tried"));
  sd_derive_mechanism_offered (input, report, mech);
  if (g_ascii_strcasecmp (mech, "NTLM") == 0)
    sd_fact (input, "auth-used-ntlm", _("AUTH NTLM was tried"));
  if (g_ascii_strcasecmp (mech, "XOAUTH2") == 0 || g_ascii_strcasecmp (mech, "OAUTHBEARER") == 0)
    /* Translators: %s is XOAUTH2 or OAUTHBEARER. */
    sd_factf (input, "auth-used-oauth", _("AUTH %s was tried"), mech);

  for (guint i = 0; report->auth_token_facts != NULL && report->auth_token_facts[i] != NULL; i++)
    sd_fact (input, report->auth_token_facts[i], "the access token's own claims say so");

  if (status == NULL && report->auth_oauth_scope == NULL)
    return;
  sd_var (input, "oauth-status", sd_or_none (status));
  sd_var (input, "oauth-scope", sd_or_none (report->auth_oauth_scope));
  /* Translators: the three values come from the server's OAuth error (JSON). */
  sd_factf (input, "oauth-error", _("OAuth error: status %s, scope %s, schemes %s"),
            sd_or_none (status), sd_or_none (report->auth_oauth_scope),
            sd_or_none (report->auth_oauth_schemes));
  if (status == NULL)
    return;
  if (g_str_equal (status, "401") || g_str_equal (status, "invalid_token"))
    sd_factf (input, "oauth-invalid-token", _("OAuth status %s"), status);
  else if (g_str_equal (status, "403") || g_str_equal (status, "insufficient_scope"))
    sd_factf (input, "oauth-insufficient-scope", _("OAuth status %s"), status);
  else if (g_str_equal (status, "400") || g_str_equal (status, "invalid_request"))
    sd_factf (input, "oauth-bad-request", _("OAuth status %s"), status);
}

static void
sd_derive_error_facts (SdHintInput    *input,
                       const SdReport *report)
{
  const GError *error = report->error;
  g_autofree char *message = NULL;
  g_autofree char *fact = NULL;
  SdStage stage = report->stage;

  if (error == NULL)
    return;
  message = g_ascii_strdown (error->message, -1);
  if (error->domain == SD_SESSION_ERROR)
    {
      fact = g_strdup_printf ("error-%s", sd_session_error_name (error));
      for (guint i = 0; _sd_hint_known_facts[i] != NULL; i++)
        if (g_str_equal (_sd_hint_known_facts[i], fact))
          sd_fact (input, fact, error->message);
    }

  /* The codes come from a session; the English words from a report built elsewhere
   * (the session's messages are translated, and so are the system's). */
  if (stage == SD_STAGE_CONNECT &&
      (report->connect_error == G_IO_ERROR_CONNECTION_REFUSED ||
       strstr (message, "refused") != NULL))
    sd_fact (input, "connect-refused", error->message);
  if (stage == SD_STAGE_CONNECT &&
      (report->connect_error == G_IO_ERROR_HOST_UNREACHABLE ||
       report->connect_error == G_IO_ERROR_NETWORK_UNREACHABLE ||
       strstr (message, "unreachable") != NULL || strstr (message, "no route") != NULL))
    sd_fact (input, "connect-unreachable", error->message);
  if (g_error_matches (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TIMEOUT))
    {
      if (stage == SD_STAGE_CONNECT)
        sd_fact (input, "connect-timeout", error->message);
      else if (stage == SD_STAGE_GREETING)
        sd_fact (input, "greeting-timeout", error->message);
    }
  if (report->closed_by_server || strstr (message, "closed the connection") != NULL)
    {
      sd_fact (input, "server-closed", error->message);
      if (stage == SD_STAGE_AUTH)
        sd_fact (input, "closed-after-auth", error->message);
      else if (stage == SD_STAGE_EHLO)
        sd_fact (input, "closed-after-ehlo", error->message);
    }
  if (g_error_matches (error, SD_SESSION_ERROR, SD_SESSION_ERROR_TLS) &&
      stage == SD_STAGE_TLS && (report->tls == NULL || report->tls->verified ||
                                report->tls->verify_error == NULL))
    sd_fact (input, "tls-handshake-failed", error->message);
  if (stage == SD_STAGE_EHLO && report->reply != NULL && report->reply->code >= 400)
    /* Translators: %u is an SMTP reply code. */
    sd_factf (input, "ehlo-refused", _("EHLO answered %u"), report->reply->code);
  sd_derive_mechanism_facts (input, report);
  if (stage == SD_STAGE_AUTH && report->reply != NULL && report->reply->code >= 400 &&
      g_error_matches (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH))
    /* Translators: %u is an SMTP reply code. */
    sd_factf (input, "auth-failed", _("AUTH answered %u"), report->reply->code);

  if (report->port == 465 && g_strcmp0 (report->security, "tls") != 0 &&
      stage <= SD_STAGE_EHLO)
    sd_factf (input, "plain-on-implicit-tls-port",
              /* Translators: %s is a security mode (none, starttls…): keep it. */
              _("Port 465 with security “%s”: that port expects TLS from the first byte"),
              report->security);
  if (report->tls_at_once && stage == SD_STAGE_GREETING)
    sd_factf (input, "tls-at-once",
              /* Translators: %u is a port number. */
              _("No greeting on port %u, but a TLS handshake on it was answered"),
              report->port);
  if ((report->port == 25 || report->port == 587 || report->port == 2525) &&
      g_strcmp0 (report->security, "tls") == 0 && stage <= SD_STAGE_TLS)
    sd_factf (input, "tls-on-plain-port",
              _("Implicit TLS on port %u, which normally starts in plain text"), report->port);
}

/* A 221 the client did not ask for: the server hung up on it. */
static void
sd_derive_event_facts (SdHintInput    *input,
                       const SdReport *report)
{
  gboolean quit_sent = FALSE;

  for (guint i = 0; i < report->events->len; i++)
    {
      const SdEvent *event = report->events->pdata[i];
      if (event->direction == SD_DIRECTION_SENT && g_ascii_strncasecmp (event->text, "QUIT", 4) == 0)
        quit_sent = TRUE;
      else if (event->direction == SD_DIRECTION_RECEIVED && !quit_sent &&
               g_str_has_prefix (event->text, "221"))
        {
          /* Translators: %s is the server's 221 reply. */
          sd_factf (input, "unsolicited-221",
                    _("The server said “%s” without being asked to quit"),
                    event->text);
          if (event->stage == SD_STAGE_AUTH)
            sd_fact (input, "closed-after-auth", event->text);
          else if (event->stage == SD_STAGE_EHLO)
            sd_fact (input, "closed-after-ehlo", event->text);
        }
    }
}

/* Who answered, from the host name, the banner and the failing reply. */
static void
sd_derive_server (SdHintInput    *input,
                  const SdReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (report->host != NULL)
    g_string_append_printf (text, "%s\n", report->host);
  if (report->banner != NULL)
    g_string_append_printf (text, "%s\n", report->banner);
  for (guint i = 0; report->reply != NULL && i < report->reply->lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) report->reply->lines->pdata[i]);
  if (text->len > 0)
    {
      g_autofree char *valid = g_utf8_make_valid (text->str, -1);
      _sd_hint_input_detect_servers (input, valid);
    }
}

SdHintInput *
_sd_hint_input_new_from_report (const SdReport *report)
{
  SdHintInput *input = _sd_hint_input_new ();
  g_autofree char *port = g_strdup_printf ("%u", report->port);
  g_autofree char *port_fact = g_strdup_printf ("port-%u", report->port);
  g_autofree char *mode_fact = g_strdup_printf ("mode-%s", report->security ? report->security : "?");

  input->failed = !report->ok;
  input->succeeded = report->ok;
  input->stage_known = TRUE;
  input->stage = report->stage;

  sd_var (input, "host", report->host);
  sd_var (input, "port", port);
  sd_var (input, "security", report->security);

  if (report->error != NULL)
    sd_add_line (input, report->error->message);
  if (!report->ok)
    sd_add_reply (input, report->reply);
  for (guint i = 0; i < report->recipients->len; i++)
    {
      const SdRecipientResult *result = report->recipients->pdata[i];
      if (result->reply != NULL && result->reply->code >= 400)
        {
          /* Translators: an e-mail address, then an SMTP reply code. */
          sd_factf (input, "rcpt-rejected", _("RCPT TO:<%s> answered %u"), result->address,
                    result->reply->code);
          sd_add_reply (input, result->reply);
        }
    }
  if (report->banner != NULL)
    sd_add_line (input, report->banner);
  if (input->lines->len > 0 && report->reply != NULL && report->reply->lines->len > 0 && !report->ok)
    sd_var (input, "reply", report->reply->lines->pdata[0]);

  if (report->credentials_given)
    sd_fact (input, "credentials-given", _("A user name is configured"));
  else
    sd_fact (input, "no-credentials", _("No user name is configured"));
  for (guint i = 0; _sd_hint_known_facts[i] != NULL; i++)
    {
      if (g_str_equal (_sd_hint_known_facts[i], port_fact))
        sd_factf (input, port_fact, _("Port %u"), report->port);
      if (g_str_equal (_sd_hint_known_facts[i], mode_fact))
        /* Translators: %s is a security mode (none, starttls…): keep it. */
        sd_factf (input, mode_fact, _("Security: %s"), report->security);
    }
  if (report->tls != NULL && report->caps_after_tls != NULL)
    sd_factf (input, "tls-used", "TLS %s", report->tls->version);

  _sd_hint_input_derive_capability_facts (input, report->caps_before_tls, report->caps_after_tls,
                              g_strcmp0 (report->security, "tls") == 0);
  sd_derive_tls_facts (input, report);
  sd_derive_error_facts (input, report);
  sd_derive_event_facts (input, report);
  sd_derive_server (input, report);
  return input;
}

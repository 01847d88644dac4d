/* sd-session-auth.c: the AUTH stage: the mechanism, its steps, the secrets kept out
 * of the transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-auth.h"
#include "sd-jwt.h"
#include "sd-secret.h"
#include "sd-session-private.h"

/* g_base64_decode() skips garbage silently; a challenge that is not clean base64 is
 * refused instead (RFC 4954 4: the client cancels with "*"). */
static GBytes *
sd_base64_decode_strict (const char *text)
{
  gsize len = strlen (text);
  gsize padding = 0;
  guchar *data;

  if (len % 4 != 0)
    return NULL;
  /* Up to two '=' and only at the end: g_base64_decode() would stop at an inner one. */
  while (padding < len && text[len - 1 - padding] == '=')
    padding++;
  if (padding > 2)
    return NULL;
  for (gsize i = 0; i < len - padding; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;
  if (len == 0)
    return g_bytes_new (NULL, 0);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

/* The decoded 334 text, or what the mechanism makes of it: NTLM's type 2 facts, an
 * OAuth error (which the report keeps for the hints). */
static void
sd_run_show_challenge (SdRun  *run,
                       SdAuth *auth,
                       GBytes *challenge)
{
  g_autofree char *described = sd_auth_describe_challenge (auth, challenge);
  g_autofree char *status = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *schemes = NULL;
  gsize len;
  const char *data;

  if (sd_auth_mechanism_get_credential (sd_auth_get_mechanism (auth)) == SD_AUTH_CREDENTIAL_TOKEN &&
      sd_auth_oauth_error_parse (challenge, &status, &scope, &schemes))
    {
      SdReport *report = run->report;
      g_free (report->auth_oauth_status);
      report->auth_oauth_status = g_steal_pointer (&status);
      g_free (report->auth_oauth_scope);
      report->auth_oauth_scope = g_steal_pointer (&scope);
      g_free (report->auth_oauth_schemes);
      report->auth_oauth_schemes = g_steal_pointer (&schemes);
    }

  if (described != NULL)
    {
      _sd_run_emit (run, SD_DIRECTION_INFO, FALSE, described);
      return;
    }

  data = g_bytes_get_data (challenge, &len);
  {
    /* An empty challenge has no data at all (PLAIN without initial response). */
    g_autofree char *text = len > 0 ? g_strndup (data, len) : g_strdup ("");
    g_autofree char *escaped = g_strescape (text, NULL);
    /* Translators: %s is the server's text, decoded from base64. */
    _sd_run_emitf (run, SD_DIRECTION_INFO, _("Server challenge, decoded: \"%s\""), escaped);
  }
}


/* What the access token says about itself (the common reasons for a bare 535 5.7.3),
 * in the transcript and for the hints; the token itself never goes anywhere. */
static void
sd_run_check_token (SdRun      *run,
                    const char *token)
{
  const SdSettings *settings = run->settings;
  SdJwtFor purpose = g_strcmp0 (settings->oauth_provider, "microsoft") == 0 ? SD_JWT_FOR_EXCHANGE
                     : settings->oauth_provider == NULL ? SD_JWT_FOR_ISSUER : SD_JWT_FOR_ANY;
  g_autoptr(SdJwtInfo) info = sd_jwt_inspect (token, purpose, settings->oauth_tenant,
                                              g_get_real_time () / G_USEC_PER_SEC);

  for (guint i = 0; i < info->warnings->len; i++)
    _sd_run_emit (run, SD_DIRECTION_WARNING, FALSE,
                  ((SdJwtWarning *) info->warnings->pdata[i])->message);
  g_strfreev (run->report->auth_token_facts);
  run->report->auth_token_facts = info->warnings->len > 0 ? sd_jwt_info_dup_facts (info) : NULL;
}

/* Whether credentials may go out on this connection at all; if not, says why and
 * quits. */
static gboolean
sd_run_auth_allowed (SdRun   *run,
                     GError **error)
{
  const SdSettings *settings = run->settings;

  if (run->caps->auth->len == 0)
    {
      const char *where;

      if (run->encrypted)
        where = _("The server offers no authentication (AUTH) after STARTTLS, but "
                  "credentials were given");
      else if (run->report->caps_before_tls && run->settings->security == SD_SECURITY_NONE)
        where = _("The server offers no authentication (AUTH) on this unencrypted "
                  "connection (many servers offer it only after STARTTLS), but credentials "
                  "were given");
      else
        where = _("The server offers no authentication (AUTH) on this connection, but "
                  "credentials were given");
      g_set_error_literal (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH, where);
      _sd_run_quit_quietly (run);
      return FALSE;
    }

  if (run->encrypted && !run->report->tls->verified &&
      settings->tls_verify == SD_TLS_ACCEPT_ANY && !settings->allow_plaintext_auth)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   /* Translators: keep --allow-plaintext-auth; the window's check box
                    * reads “Allow plaintext authentication”. */
                   _("Refusing to send credentials: the certificate was not verified "
                     "(accept-any), so anyone in the middle could read them. Pin the "
                     "certificate's SHA-256 (shown above) or trust its CA, or allow it "
                     "explicitly with --allow-plaintext-auth (in the window: Allow "
                     "plaintext authentication)"));
      _sd_run_quit_quietly (run);
      return FALSE;
    }

  if (!run->encrypted && !settings->allow_plaintext_auth)
    {
      g_autofree char *offered = sd_capabilities_dup_auth_string (run->caps);
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   /* Translators: %s lists mechanisms such as “PLAIN LOGIN”. */
                   _("Refusing to send credentials without TLS (the server offers AUTH %s "
                     "in clear text). Use STARTTLS or implicit TLS, or allow plaintext "
                     "authentication explicitly"), offered);
      _sd_run_quit_quietly (run);
      return FALSE;
    }
  return TRUE;
}

/* The mechanism asked for, or with "auto" the best one offered for what we have. */
static const char *
sd_run_auth_pick (SdRun   *run,
                  GError **error)
{
  const SdSettings *settings = run->settings;
  g_autofree char *reason = NULL;
  const char *mechanism;
  SdAuthHave have;

  if (g_strcmp0 (settings->auth, "auto") != 0)
    {
      if (!sd_capabilities_has_auth (run->caps, settings->auth))
        _sd_run_emitf (run, SD_DIRECTION_WARNING,
                       /* Translators: %s is an AUTH mechanism such as LOGIN. */
                       _("The server does not offer %s; trying it anyway as asked"),
                       settings->auth);
      return settings->auth;
    }

  have = (settings->password != NULL ? SD_AUTH_HAVE_PASSWORD : 0) |
         (settings->oauth_token != NULL ? SD_AUTH_HAVE_TOKEN : 0);
  mechanism = sd_auth_pick_full (run->caps, run->encrypted, have, &reason);
  if (mechanism == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH, "%s", reason);
      _sd_run_quit_quietly (run);
      return NULL;
    }
  _sd_run_emit (run, SD_DIRECTION_INFO, FALSE, reason);
  return mechanism;
}

/* What the mechanism found out (GSSAPI: whose ticket, for how long), and the hints fact
 * for its failure. */
static void
sd_run_auth_notes (SdRun  *run,
                   SdAuth *auth)
{
  g_autoptr(GPtrArray) notes = sd_auth_take_notes (auth);

  for (guint i = 0; notes != NULL && i < notes->len; i++)
    _sd_run_emit (run, SD_DIRECTION_INFO, FALSE, notes->pdata[i]);
  if (sd_auth_get_fact (auth) != NULL)
    {
      g_free (run->report->auth_fact);
      run->report->auth_fact = g_strdup (sd_auth_get_fact (auth));
    }
}

/* The mechanism's client, with the password or the token it needs. */
static SdAuth *
sd_run_auth_new (SdRun       *run,
                 const char  *mechanism,
                 GError     **error)
{
  const SdSettings *settings = run->settings;
  SdAuthCredential credential = sd_auth_mechanism_get_credential (mechanism);
  gboolean token = credential == SD_AUTH_CREDENTIAL_TOKEN;
  const char *secret = token ? settings->oauth_token : settings->password;
  SdAuth *auth;
  GError *local = NULL;

  if (secret == NULL && credential != SD_AUTH_CREDENTIAL_SYSTEM)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT,
                   /* Translators: %s is an AUTH mechanism such as XOAUTH2; the options
                    * are command-line options: keep them. */
                   token
                   ? _("%s needs an access token (--oauth-token-env or --oauth-token-file)")
                   /* Translators: %s is an AUTH mechanism such as LOGIN. */
                   : _("%s needs a password"), mechanism);
      _sd_run_quit_quietly (run);
      return NULL;
    }
  auth = sd_auth_new (mechanism, settings->user != NULL && *settings->user ? settings->user : NULL,
                      secret, &local);
  if (auth == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_INVALID_INPUT, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  g_free (run->report->auth_mechanism);
  run->report->auth_mechanism = g_strdup (sd_auth_get_mechanism (auth));
  if (token)
    sd_run_check_token (run, secret);
  if (!sd_auth_start (auth, settings->host, &local))
    {
      sd_run_auth_notes (run, auth);
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH, "%s", local->message);
      g_error_free (local);
      _sd_run_quit_quietly (run);
      g_clear_pointer (&auth, sd_auth_free);
      return NULL;
    }
  sd_run_auth_notes (run, auth);
  return auth;
}

/* "AUTH mechanism", with the initial response when it fits on the line. */
static gboolean
sd_run_auth_send_command (SdRun   *run,
                          SdAuth  *auth,
                          GError **error)
{
  g_autoptr(GBytes) ir = NULL;
  g_autofree char *ir_shown = NULL;
  g_autofree char *command = NULL;
  g_autofree char *command_shown = NULL;
  const char *mechanism = sd_auth_get_mechanism (auth);
  gboolean sent;

  ir = sd_auth_initial_response (auth, &ir_shown);
  if (ir != NULL)
    {
      g_autofree char *b64 = g_base64_encode (g_bytes_get_data (ir, NULL), g_bytes_get_size (ir));
      /* An empty initial response is sent as "=" (RFC 4954 4). */
      command = g_strdup_printf ("AUTH %s %s", mechanism, *b64 ? b64 : "=");
      sd_secret_wipe (b64, strlen (b64));
      if (strlen (command) > SD_MAX_IR_LINE)
        {
          sd_secret_free (g_steal_pointer (&command));
          g_clear_pointer (&ir, g_bytes_unref);
          sd_auth_initial_response_dropped (auth);
        }
    }
  if (command == NULL)
    command = g_strdup_printf ("AUTH %s", mechanism);
  command_shown = ir != NULL ? g_strdup_printf ("AUTH %s [%s]", mechanism, ir_shown) : NULL;

  {
    const char *lines[] = { command, NULL };
    const char *shown[] = { command_shown, NULL };
    sent = _sd_run_send_group (run, lines, shown, error);
  }
  sd_secret_free (g_steal_pointer (&command));
  return sent;
}

/* Cancels the exchange with "*" (RFC 4954 4) after @error was set; always FALSE. */
static gboolean
sd_run_auth_cancel (SdRun *run)
{
  g_autoptr(SdReply) cancel_reply = NULL;

  if (_sd_run_send (run, "*", NULL))
    cancel_reply = _sd_run_read_reply (run, "AUTH cancel", NULL);
  return FALSE;
}

/* Answers one 334 challenge. */
static gboolean
sd_run_auth_answer (SdRun          *run,
                    SdAuth         *auth,
                    const SdReply  *reply,
                    guint           step,
                    GError        **error)
{
  g_autofree char *response_shown = NULL;
  g_autofree char *b64 = NULL;
  g_autofree char *shown_line = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) response = NULL;
  GError *local = NULL;
  gboolean sent;

  challenge = sd_base64_decode_strict (sd_reply_get_text (reply, 0));
  if (challenge == NULL || step >= SD_MAX_AUTH_STEPS)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   challenge != NULL
                   ? _("The server keeps sending AUTH challenges; cancelled")
                   : _("The server's AUTH challenge is not valid base64; cancelled"));
      return sd_run_auth_cancel (run);
    }
  sd_run_show_challenge (run, auth, challenge);

  response = sd_auth_step (auth, challenge, &response_shown, &local);
  sd_run_auth_notes (run, auth);
  if (response == NULL)
    {
      g_set_error (error, SD_SESSION_ERROR, SD_SESSION_ERROR_AUTH,
                   /* Translators: %s says why, e.g. the server's NTLM challenge is
                    * malformed. */
                   _("Authentication cancelled: %s"), local->message);
      g_error_free (local);
      return sd_run_auth_cancel (run);
    }

  b64 = g_base64_encode (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
  shown_line = g_strdup_printf ("[%s]", response_shown);
  {
    const char *lines[] = { b64, NULL };
    const char *shown[] = { shown_line, NULL };
    sent = _sd_run_send_group (run, lines, shown, error);
  }
  sd_secret_wipe (b64, strlen (b64));
  return sent;
}

gboolean
_sd_run_auth (SdRun   *run,
              GError **error)
{
  const SdSettings *settings = run->settings;
  const char *mechanism;
  g_autoptr(SdAuth) auth = NULL;
  g_autoptr(SdReply) reply = NULL;

  if (g_strcmp0 (settings->auth, "none") == 0)
    return TRUE;
  /* GSSAPI asked for needs no user name: the ticket cache has one. */
  if ((settings->user == NULL || *settings->user == '\0') &&
      (g_strcmp0 (settings->auth, "auto") == 0 ||
       sd_auth_mechanism_get_credential (settings->auth) != SD_AUTH_CREDENTIAL_SYSTEM))
    {
      _sd_run_emit (run, SD_DIRECTION_INFO, FALSE, _("No user name given: not authenticating"));
      /* auto never signs in with the system's ticket by itself; it says it could. */
      if (sd_capabilities_has_auth (run->caps, "GSSAPI") &&
          sd_auth_mechanism_is_supported ("GSSAPI") && g_strcmp0 (settings->auth, "auto") == 0)
        _sd_run_emit (run, SD_DIRECTION_INFO, FALSE,
                      _("The server offers Kerberos (GSSAPI): authentication “gssapi” "
                        "(--auth gssapi) signs in with this computer's ticket or Windows "
                        "logon, without a user name or password"));
      return TRUE;
    }

  _sd_run_enter (run, SD_STAGE_AUTH);
  if (!sd_run_auth_allowed (run, error))
    return FALSE;
  mechanism = sd_run_auth_pick (run, error);
  if (mechanism == NULL)
    return FALSE;
  auth = sd_run_auth_new (run, mechanism, error);
  if (auth == NULL)
    return FALSE;
  if (!run->encrypted)
    _sd_run_emitf (run, SD_DIRECTION_WARNING,
                   /* Translators: %s is an AUTH mechanism such as LOGIN. */
                   _("Sending credentials WITHOUT encryption (%s), as explicitly allowed"),
                   sd_auth_get_mechanism (auth));
  if (!sd_run_auth_send_command (run, auth, error))
    return FALSE;

  for (guint step = 0; ; step++)
    {
      g_clear_pointer (&reply, sd_reply_free);
      reply = _sd_run_read_reply (run, "AUTH", error);
      if (reply == NULL)
        return FALSE;
      if (reply->code != 334)
        break;
      if (!sd_run_auth_answer (run, auth, reply, step, error))
        return FALSE;
    }

  if (reply->code != 235)
    {
      _sd_run_set_reply_error (run, error, SD_SESSION_ERROR_AUTH, reply,
                               _("Authentication failed"));
      _sd_run_quit_quietly (run);
      return FALSE;
    }
  g_free (run->report->auth_user);
  /* GSSAPI without a user name: the ticket's client name. */
  run->report->auth_user = g_strdup (sd_auth_get_user (auth));
  /* Translators: the user name, then the AUTH mechanism (LOGIN, NTLM…). */
  _sd_run_emitf (run, SD_DIRECTION_INFO, _("Authenticated as %s with %s"),
                 run->report->auth_user, sd_auth_get_mechanism (auth));
  return TRUE;
}

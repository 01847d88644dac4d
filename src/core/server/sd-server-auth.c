/* sd-server-auth.c: the built-in server's AUTH: PLAIN, LOGIN and CRAM-MD5 against the
 * configured accounts, or anything in accept-any mode; secrets never reach the transcript
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-secret.h"
#include "sd-server-private.h"

/* --- AUTH -------------------------------------------------------------------------- */

static gboolean
is_base64 (const char *text)
{
  gsize len = strlen (text), pad = 0;

  if (len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
        return FALSE;
    }
  return pad <= 2;
}

/* NULL when @text isn't base64; "=" is an empty initial response (RFC 4954). */
GBytes *
_sd_server_auth_decode (const char *text,
                        gboolean    initial)
{
  guchar *data;
  gsize len = 0;

  if ((initial && g_str_equal (text, "=")) || *text == '\0')
    return g_bytes_new (NULL, 0);
  if (!is_base64 (text))
    return NULL;
  data = g_base64_decode (text, &len);
  return sd_secret_bytes_take (data, len);
}

/* Printable, bounded copy of a user name for the transcript. */
static char *
shown_user (const char *data,
            gsize       len)
{
  g_autofree char *raw = g_strndup (data, MIN (len, 256));
  return g_utf8_make_valid (raw, -1);
}

/* Sends 334 with @challenge and reads the answer without showing it. NULL answer with
 * AUTH_ANSWERED when the client cancelled or sent no base64. */
static AuthOutcome
auth_exchange (Session     *s,
               const char  *challenge,
               GBytes     **answer)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (challenge, strlen (challenge));

  return _sd_server_auth_exchange (s, bytes, answer);
}

AuthOutcome
_sd_server_auth_exchange (Session  *s,
                          GBytes   *challenge,
                          GBytes  **answer)
{
  gsize challenge_len = 0;
  const guchar *challenge_data = g_bytes_get_data (challenge, &challenge_len);
  g_autofree char *b64 = g_base64_encode (challenge_data, challenge_len);
  char *line = NULL;
  gsize len = 0;
  LineResult result;

  *answer = NULL;
  _sd_server_replyf (s, "334 %s", b64);
  result = _sd_server_read_line (s, &line, &len);
  if (result == LINE_END)
    return AUTH_ENDED;
  if (result == LINE_TOO_LONG)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[over-long response hidden]"));
      _sd_server_reply (s, "500 5.5.6 Authentication exchange line too long");
      return AUTH_ANSWERED;
    }
  if (g_str_equal (line, "*"))
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, "*");
      sd_secret_free (line);
      _sd_server_reply (s, "501 5.7.0 Authentication cancelled");
      return AUTH_ANSWERED;
    }
  *answer = _sd_server_auth_decode (line, FALSE);
  if (*answer == NULL)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[undecodable response hidden]"));
      sd_secret_free (line);
      _sd_server_reply (s, "501 5.5.2 Cannot decode response");
      return AUTH_ANSWERED;
    }
  sd_secret_free (line);
  return AUTH_OK;
}

static gboolean
secret_equal (const char *a,
              gsize       a_len,
              const char *b)
{
  gsize b_len = strlen (b);
  guint8 diff = a_len != b_len;

  /* Same time for every mismatch position, so a client learns nothing from timing. */
  for (gsize i = 0; i < a_len && i < b_len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static const SdServerAccount *
find_account (Session    *s,
              const char *user,
              gsize       len)
{
  for (guint i = 0; i < s->cfg->accounts->len; i++)
    {
      const SdServerAccount *account = s->cfg->accounts->pdata[i];
      if (strlen (account->user) == len && memcmp (account->user, user, len) == 0)
        return account;
    }
  return NULL;
}

static AuthOutcome
check_password (Session    *s,
                const char *user,
                gsize       user_len,
                const char *password,
                gsize       password_len)
{
  const SdServerAccount *account;

  g_free (s->info->auth_user);
  s->info->auth_user = shown_user (user, user_len);
  if (s->cfg->accept_any_auth)
    {
      _sd_server_emitf (s, SD_DIRECTION_INFO,
                        /* Translators: %s is the user name the client sent. */
                        password_len > 0 ? _("Accept-any mode: user \"%s\" accepted, a password "
                                             "was given (not recorded)")
                                         : _("Accept-any mode: user \"%s\" accepted, the "
                                             "password was empty"),
                        s->info->auth_user);
      return AUTH_OK;
    }
  account = find_account (s, user, user_len);
  if (account == NULL)
    return AUTH_BAD;
  return secret_equal (password, password_len, account->password) ? AUTH_OK : AUTH_BAD;
}

static AuthOutcome
auth_plain_check (Session *s,
                  GBytes  *answer)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (answer, &len);
  const char *nul1 = len > 0 ? memchr (data, '\0', len) : NULL;
  const char *nul2 = nul1 != NULL ? memchr (nul1 + 1, '\0', len - (nul1 + 1 - data)) : NULL;
  gsize authzid_len, authcid_len;

  if (nul2 == NULL)
    return AUTH_BAD;
  authzid_len = nul1 - data;
  authcid_len = nul2 - (nul1 + 1);
  /* An authzid other than the user would be a proxy login: refused. */
  if (authzid_len > 0 && (authzid_len != authcid_len || memcmp (data, nul1 + 1, authcid_len) != 0))
    return AUTH_BAD;
  return check_password (s, nul1 + 1, authcid_len, nul2 + 1, data + len - (nul2 + 1));
}

static char *
plain_shown (GBytes *answer)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (answer, &len);
  const char *nul1 = len > 0 ? memchr (data, '\0', len) : NULL;
  const char *nul2 = nul1 != NULL ? memchr (nul1 + 1, '\0', len - (nul1 + 1 - data)) : NULL;
  g_autofree char *user = NULL;

  if (nul2 == NULL)
    return g_strdup (_("malformed PLAIN response hidden"));
  user = shown_user (nul1 + 1, nul2 - (nul1 + 1));
  /* Translators: %s is the user name the client sent. */
  return g_strdup_printf (_("user \"%s\", password hidden"), user);
}

/* A mechanism's one response: the initial one, or the answer to an empty 334. It is
 * shown through @show, which never gives away the secret. */
static AuthOutcome
auth_single_response (Session     *s,
                      const char  *mechanism,
                      const char  *initial,
                      char      *(*show) (GBytes *),
                      GBytes     **answer)
{
  g_autofree char *shown = NULL;
  g_autofree char *line = NULL;

  if (initial != NULL)
    {
      *answer = _sd_server_auth_decode (initial, TRUE);
      if (*answer == NULL)
        {
          /* Translators: %s is an AUTH mechanism (PLAIN, XOAUTH2…). */
          line = g_strdup_printf (_("AUTH %s [undecodable response hidden]"), mechanism);
          _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
          _sd_server_reply (s, "501 5.5.2 Cannot decode response");
          return AUTH_ANSWERED;
        }
      shown = show (*answer);
      line = g_strdup_printf ("AUTH %s [%s]", mechanism, shown);
    }
  else
    {
      AuthOutcome outcome;
      line = g_strdup_printf ("AUTH %s", mechanism);
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, line);
      outcome = auth_exchange (s, "", answer);
      if (outcome != AUTH_OK)
        return outcome;
      shown = show (*answer);
      g_free (line);
      line = g_strdup_printf ("[%s]", shown);
    }
  _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
  return AUTH_OK;
}

static AuthOutcome
auth_plain (Session    *s,
            const char *initial)
{
  g_autoptr(GBytes) answer = NULL;
  AuthOutcome outcome = auth_single_response (s, "PLAIN", initial, plain_shown, &answer);

  if (outcome != AUTH_OK)
    return outcome;
  return auth_plain_check (s, answer);
}

/* The user in "user=NAME^Aauth=Bearer TOKEN^A^A" (XOAUTH2); NULL if malformed. */
static char *
xoauth2_user (GBytes *answer)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (answer, &len);
  const char *end = len > 5 ? memchr (data, '\001', len) : NULL;

  if (end == NULL || strncmp (data, "user=", 5) != 0)
    return NULL;
  return shown_user (data + 5, end - (data + 5));
}

static char *
xoauth2_shown (GBytes *answer)
{
  g_autofree char *user = xoauth2_user (answer);

  if (user == NULL)
    return g_strdup (_("malformed XOAUTH2 response hidden"));
  /* Translators: %s is the user name the client sent. */
  return g_strdup_printf (_("user \"%s\", token hidden"), user);
}

/* Tokens cannot be checked here: accept-any takes them, otherwise they fail as the
 * product's own failure reply says. */
static AuthOutcome
auth_xoauth2 (Session    *s,
              const char *initial)
{
  g_autoptr(GBytes) answer = NULL;
  AuthOutcome outcome = auth_single_response (s, "XOAUTH2", initial, xoauth2_shown, &answer);

  if (outcome != AUTH_OK)
    return outcome;
  g_free (s->info->auth_user);
  s->info->auth_user = xoauth2_user (answer);
  if (s->info->auth_user == NULL)
    return AUTH_BAD;
  return s->cfg->accept_any_auth ? AUTH_OK : AUTH_BAD;
}

static AuthOutcome
auth_login (Session    *s,
            const char *initial)
{
  g_autoptr(GBytes) user = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autofree char *name = NULL;
  g_autofree char *line = NULL;
  AuthOutcome outcome;
  gsize user_len = 0, password_len = 0;
  const char *user_data, *password_data;

  if (initial != NULL)
    {
      user = _sd_server_auth_decode (initial, TRUE);
      if (user == NULL)
        {
          _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE,
                           _("AUTH LOGIN [undecodable response hidden]"));
          _sd_server_reply (s, "501 5.5.2 Cannot decode response");
          return AUTH_ANSWERED;
        }
      user_data = g_bytes_get_data (user, &user_len);
      name = shown_user (user_data, user_len);
      /* Translators: %s is the user name the client sent. */
      line = g_strdup_printf (_("AUTH LOGIN [user name \"%s\"]"), name);
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }
  else
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH LOGIN");
      outcome = auth_exchange (s, "Username:", &user);
      if (outcome != AUTH_OK)
        return outcome;
      user_data = g_bytes_get_data (user, &user_len);
      name = shown_user (user_data, user_len);
      /* Translators: %s is the user name the client sent. */
      line = g_strdup_printf (_("[user name \"%s\"]"), name);
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
    }

  outcome = auth_exchange (s, "Password:", &password);
  if (outcome != AUTH_OK)
    return outcome;
  _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[password hidden]"));
  user_data = g_bytes_get_data (user, &user_len);
  password_data = g_bytes_get_data (password, &password_len);
  return check_password (s, user_data, user_len, password_data, password_len);
}

static AuthOutcome
auth_cram_md5 (Session *s)
{
  g_autofree char *challenge = NULL;
  g_autoptr(GBytes) answer = NULL;
  const SdServerAccount *account;
  const char *data, *space;
  gsize len = 0;
  AuthOutcome outcome;

  _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH CRAM-MD5");
  challenge = g_strdup_printf ("<%u.%" G_GINT64_FORMAT "@%s>", g_random_int (),
                               g_get_real_time () / G_USEC_PER_SEC, s->cfg->hostname);
  outcome = auth_exchange (s, challenge, &answer);
  if (outcome != AUTH_OK)
    return outcome;

  /* "user SP 32-hex-digest"; the user may contain spaces, the digest doesn't. */
  data = g_bytes_get_data (answer, &len);
  space = len > 0 ? g_strrstr_len (data, len, " ") : NULL;
  if (space == NULL || data + len - (space + 1) != 32)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("[malformed CRAM-MD5 response hidden]"));
      return AUTH_BAD;
    }
  g_free (s->info->auth_user);
  s->info->auth_user = shown_user (data, space - data);
  {
    /* Translators: %s is the user name the client sent. */
    g_autofree char *line = g_strdup_printf (_("[user \"%s\", digest hidden]"),
                                             s->info->auth_user);
    _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
  }
  if (s->cfg->accept_any_auth)
    {
      _sd_server_emitf (s, SD_DIRECTION_INFO,
                        /* Translators: %s is the user name the client sent. */
                        _("Accept-any mode: user \"%s\" accepted (digest not checked)"),
                        s->info->auth_user);
      return AUTH_OK;
    }
  account = find_account (s, data, space - data);
  if (account == NULL)
    return AUTH_BAD;
  {
    g_autofree char *digest = g_compute_hmac_for_string (G_CHECKSUM_MD5,
                                                         (const guchar *) account->password,
                                                         strlen (account->password),
                                                         challenge, -1);
    return secret_equal (space + 1, 32, digest) ? AUTH_OK : AUTH_BAD;
  }
}

static gboolean
mechanism_in (const char *list,
              const char *mechanism)
{
  g_auto(GStrv) words = g_strsplit (list != NULL ? list : "", " ", -1);
  return g_strv_contains ((const char * const *) words, mechanism);
}

/* Why AUTH cannot go ahead now, as the reply to send; NULL when it can. */
static const char *
auth_refusal (Session     *s,
              const char  *mechanism,
              char       **words)
{
  const SdServerConnector *connector = s->server->connector;

  if (!_sd_server_auth_available (s))
    return connector->reply_auth_disabled;
  if (!s->greeted)
    return "503 5.5.1 Error: send HELO/EHLO first";
  if (s->authenticated)
    return "503 5.5.1 Error: already authenticated";
  if (s->in_transaction)
    return "503 5.5.1 Error: MAIL transaction in progress";
  if (*mechanism == '\0' || (words[1] != NULL && words[2] != NULL))
    return "501 5.5.4 Syntax: AUTH mechanism [initial-response]";
  if (!mechanism_in (_sd_server_auth_offered (s), mechanism) &&
      !(g_str_equal (mechanism, "GSSAPI") && _sd_server_gssapi_offered (s)))
    {
      /* What Exchange answers with "Offer basic authentication only after starting
       * TLS": the mechanism is unknown until TLS is up. */
      if (!s->tls && s->cfg->require_tls_for_auth && mechanism_in (connector->auth, mechanism))
        {
          s->info->auth_refused_no_tls = TRUE;
          return connector->reply_auth_no_tls;
        }
      return connector->reply_auth_unknown;
    }
  return NULL;
}

/* What the transcript may show of the command line itself. */
static char *
auth_shown_command (const char *mechanism,
                    const char *initial)
{
  if (*mechanism == '\0')
    return g_strdup ("AUTH");
  if (initial != NULL)
    /* Translators: %s is an AUTH mechanism (PLAIN, LOGIN…). */
    return g_strdup_printf (_("AUTH %s [initial response hidden]"), mechanism);
  return g_strdup_printf ("AUTH %s", mechanism);
}

static Step
auth_finish (Session     *s,
             AuthOutcome  outcome)
{
  if (outcome == AUTH_ENDED)
    return STEP_FAILED;
  if (outcome == AUTH_ANSWERED)
    return STEP_CONTINUE;
  if (outcome == AUTH_OK)
    {
      s->authenticated = TRUE;
      s->info->authenticated = TRUE;
      g_free (s->auth_user);
      s->auth_user = g_strdup (s->info->auth_user);
      return _sd_server_reply (s, "235 2.7.0 Authentication successful");
    }

  s->info->auth_failures++;
  if (s->info->auth_failures >= SD_SERVER_MAX_AUTH_FAILURES)
    return _sd_server_close_with (s,
                                  "421 4.7.0 Too many authentication failures, closing connection",
                                  "too many authentication failures");
  return _sd_server_reply (s, s->server->connector->reply_auth_failed);
}

Step
_sd_server_do_auth (Session    *s,
                    const char *args)
{
  g_auto(GStrv) words = g_strsplit (args != NULL ? args : "", " ", 3);
  g_autofree char *mechanism = NULL;
  g_autofree char *verb_only = NULL;
  const char *initial;
  const char *refusal;

  s->stage = SD_STAGE_AUTH;
  mechanism = words[0] != NULL ? g_ascii_strup (words[0], -1) : g_strdup ("");
  initial = words[0] != NULL ? words[1] : NULL;
  verb_only = auth_shown_command (mechanism, initial);

  if (!s->tls && s->info->starttls_offered)
    s->info->auth_before_tls = TRUE;
  if (*mechanism != '\0')
    {
      g_free (s->info->auth_mechanism);
      s->info->auth_mechanism = g_strdup (mechanism);
    }

  refusal = auth_refusal (s, mechanism, words);
  if (refusal != NULL)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, initial != NULL, verb_only);
      return _sd_server_reply (s, refusal);
    }
  {
    Step step;
    if (_sd_server_apply_fault (s, SD_FAULT_AUTH, &step))
      {
        _sd_server_emit (s, SD_DIRECTION_RECEIVED, initial != NULL, verb_only);
        return step;
      }
  }

  if (g_str_equal (mechanism, "PLAIN"))
    return auth_finish (s, auth_plain (s, initial));
  if (g_str_equal (mechanism, "LOGIN"))
    return auth_finish (s, auth_login (s, initial));
  if (g_str_equal (mechanism, "GSSAPI") && _sd_server_gssapi_offered (s))
    return auth_finish (s, _sd_server_auth_gssapi (s, initial));
  if (g_str_equal (mechanism, "XOAUTH2"))
    return auth_finish (s, auth_xoauth2 (s, initial));
  if (!g_str_equal (mechanism, "CRAM-MD5"))
    {
      /* Offered by the connector (GSSAPI, NTLM…) but not done here: the product's answer
       * to a failed try. */
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, initial != NULL, verb_only);
      _sd_server_emitf (s, SD_DIRECTION_INFO,
                        /* Translators: %s is an AUTH mechanism (GSSAPI, NTLM…). */
                        _("%s is announced as the emulated server does, but not carried out "
                          "here: answered as a failed try"), mechanism);
      return auth_finish (s, AUTH_BAD);
    }
  if (initial != NULL)
    {
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, verb_only);
      return _sd_server_reply (s, "501 5.5.4 CRAM-MD5 takes no initial response");
    }
  return auth_finish (s, auth_cram_md5 (s));
}

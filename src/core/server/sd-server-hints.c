/* sd-server-hints.c: what the built-in server learnt about the client
 *
 * The other side of the hints engine: here the application under test is the client, so
 * the hints say what *it* did (AUTH in clear text, no STARTTLS, a sender that does not
 * match the login) and what to change in the application or the server it will use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server.h"

/* The local part and domain of the login, if it looks like an address. */
static gboolean
user_matches_sender (const char *user,
                     const char *from)
{
  const char *at_user = strrchr (user, '@');
  const char *at_from = strrchr (from, '@');

  if (*from == '\0')
    return TRUE;   /* the null sender <> is for bounces: nothing to compare */
  if (at_user != NULL)
    return g_ascii_strcasecmp (user, from) == 0;
  /* A bare login ("alice") matches a sender whose local part is the same. */
  return at_from != NULL && (gsize) (at_from - from) == strlen (user) &&
         g_ascii_strncasecmp (user, from, at_from - from) == 0;
}

static SdHint *
hint_tls_auth_before_starttls (const SdServerSession *session,
                               const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->auth_before_tls)
    return NULL;
  hint = sd_hint_new ("client-auth-before-starttls", SD_HINT_ERROR, 90,
                   _("The client sent AUTH before STARTTLS"),
                   _("The server offered STARTTLS, but the client tried to log in over the "
                     "unencrypted connection. Servers set up like Exchange (\"Offer basic "
                     "authentication only after starting TLS\") or Postfix with "
                     "smtpd_tls_auth_only refuse this, and the password may have crossed "
                     "the network in clear text."));
  g_ptr_array_add (hint->evidence, g_strdup_printf (_("AUTH %s in clear text"),
                                                    session->auth_mechanism ? session->auth_mechanism : ""));
  sd_hint_add_fix (hint, "generic", _("The application"),
                _("Turn on TLS/SSL (\"STARTTLS\", \"Use TLS\", \"Secure connection\") in the "
                  "application's SMTP settings, usually with port 587"), NULL);
  return hint;
}

static SdHint *
hint_tls_no_starttls (const SdServerSession *session,
                      const SdServerConfig  *config)
{
  SdHint *hint;

  /* AUTH before STARTTLS says it already, and louder. */
  /* A ClientHello means it tried; a failed handshake has hints of its own. */
  if (session->auth_before_tls || !session->starttls_offered || session->starttls_used ||
      session->client_hello != NULL ||
      session->implicit_tls || (session->messages == 0 && session->ehlo_name == NULL))
    return NULL;
  hint = sd_hint_new ("client-no-starttls", SD_HINT_WARNING, 60,
                   _("The client never tried STARTTLS"),
                   _("STARTTLS was offered but the whole session, including any message, "
                     "went unencrypted. A server that requires TLS would refuse this client."));
  sd_hint_add_fix (hint, "generic", _("The application"),
                _("Enable TLS/STARTTLS in the application's mail settings"), NULL);
  return hint;
}

static SdHint *
hint_helo (const SdServerSession *session,
           const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->used_helo)
    return NULL;
  hint = sd_hint_new ("client-helo", SD_HINT_INFO, 20,
                   _("The client greeted with HELO, not EHLO"),
                   _("With HELO no extension is available: no STARTTLS, no AUTH, no SIZE. "
                     "Old devices do this; they cannot authenticate or encrypt."));
  return hint;
}

static SdHint *
hint_no_auth (const SdServerSession *session,
              const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->mail_refused_no_auth)
    return NULL;
  hint = sd_hint_new ("client-no-auth", SD_HINT_ERROR, 85,
                   _("The client tried to send without logging in"),
                   _("This server requires authentication (530 5.7.0), but the client sent "
                     "MAIL FROM without AUTH. Either the application has no user name and "
                     "password set, or it did not see AUTH offered (it is offered only "
                     "after STARTTLS when TLS is required for authentication)."));
  sd_hint_add_fix (hint, "generic", _("The application"),
                _("Enter the mailbox's user name and password in the SMTP settings"),
                _("Turn on TLS if the server offers AUTH only after STARTTLS"), NULL);
  return hint;
}

static SdHint *
hint_auth_needs_tls (const SdServerSession *session,
                     const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->auth_refused_no_tls)
    return NULL;
  hint = sd_hint_new ("client-auth-needs-tls", SD_HINT_ERROR, 88,
                   _("Authentication was refused because TLS was not started"),
                   _("The server allows AUTH only inside TLS and answered 504 5.7.4, as "
                     "Exchange does with \"Offer basic authentication only after starting "
                     "TLS\"."));
  sd_hint_add_fix (hint, "exchange", _("Exchange 2013-2019"),
                _("Prefer enabling TLS in the application"),
                _("Or, on the Client Frontend receive connector (EAC > Mail flow > Receive "
                  "connectors > Security), clear \"Offer basic authentication only after "
                  "starting TLS\""), NULL);
  return hint;
}

static SdHint *
hint_auth_failed (const SdServerSession *session,
                  const SdServerConfig  *config)
{
  SdHint *hint;

  if (!(session->auth_failures > 0 && !session->authenticated))
    return NULL;
  hint = sd_hint_new ("client-auth-failed", SD_HINT_ERROR, 80,
                   _("The client's credentials were refused"),
                   _("The user name or password the application uses does not match an "
                     "account on the server (535 5.7.8)."));
  if (session->auth_user != NULL)
    g_ptr_array_add (hint->evidence, g_strdup_printf (_("user \"%s\""), session->auth_user));
  return hint;
}

static SdHint *
hint_sender_mismatch (const SdServerSession *session,
                      const SdServerConfig  *config)
{
  SdHint *hint;

  if (!(session->authenticated && session->auth_user != NULL))
    return NULL;
  for (guint i = 0; i < session->mail_from->len; i++)
    {
      const char *from = session->mail_from->pdata[i];
      if (user_matches_sender (session->auth_user, from))
        continue;
      hint = sd_hint_new ("client-sender-mismatch", SD_HINT_WARNING, 70,
                       _("The client authenticated as one user but sends as another"),
                       _("Many servers (Exchange Online, Gmail, Postfix with "
                         "reject_sender_login_mismatch) refuse a sender address the login "
                         "may not use, or rewrite it."));
      g_ptr_array_add (hint->evidence, g_strdup_printf (_("authenticated as \"%s\", MAIL FROM:<%s>"),
                                                        session->auth_user, from));
      sd_hint_add_fix (hint, "exchange", _("Exchange 2013-2019"),
                    _("Give the login user Send As permission on the sender mailbox, or "
                      "make the application send from the login's own address"), NULL);
      sd_hint_add_fix (hint, "exchange-online", _("Exchange Online"),
                    _("Grant Send As on the sender mailbox (EAC > Recipients > Mailboxes > "
                      "Delegation), or use the login's own address"), NULL);
      return hint;
    }
  return NULL;
}

static SdHint *
hint_bare_lf (const SdServerSession *session,
              const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->bare_lf)
    return NULL;
  hint = sd_hint_new ("client-bare-lf", SD_HINT_WARNING, 50,
                   _("The client ended lines with a bare LF"),
                   _("SMTP requires CR LF line ends. Since the SMTP smuggling fixes (2023) "
                     "servers such as Postfix 3.9, Exchange Online and Gmail may refuse "
                     "bare LF or close the connection."));
  return hint;
}

static SdHint *
hint_8bit_undeclared (const SdServerSession *session,
                      const SdServerConfig  *config)
{
  SdHint *hint;

  if (!session->eightbit_undeclared)
    return NULL;
  hint = sd_hint_new ("client-8bit-undeclared", SD_HINT_WARNING, 40,
                   _("8-bit message data without BODY=8BITMIME"),
                   _("The message contains bytes above 127 but MAIL FROM did not declare "
                     "BODY=8BITMIME. Strict servers reject it or garble non-ASCII text."));
  return hint;
}

static SdHint *
hint_relay_refused (const SdServerSession *session,
                    const SdServerConfig  *config)
{
  SdHint *hint;

  if (session->relay_refused == 0)
    return NULL;
  hint = sd_hint_new ("client-relay-refused", SD_HINT_ERROR, 75,
                   _("A recipient outside the accepted domains was refused (relay)"),
                   _("Without authentication, the server accepts mail only for its own "
                     "domains (550 5.7.54). To send elsewhere the client must authenticate, "
                     "or the server must allow relaying from its address."));
  sd_hint_add_fix (hint, "exchange", _("Exchange 2013-2019"),
                _("Authenticate, or create an anonymous relay receive connector scoped to "
                  "the device's IP address"), NULL);
  sd_hint_add_fix (hint, "postfix", _("Postfix"),
                _("Authenticate, or add the device's address to mynetworks"), NULL);
  return hint;
}

static SdHint *
hint_greylisted (const SdServerSession *session,
                 const SdServerConfig  *config)
{
  SdHint *hint;

  if (!(session->greylisted > 0 && session->messages == 0))
    return NULL;
  hint = sd_hint_new ("client-greylisted", SD_HINT_INFO, 30,
                   _("The client was greylisted (451 4.7.1)"),
                   _("A temporary refusal: a well-behaved client queues the message and "
                     "retries after a few minutes. Applications that give up after a 4xx "
                     "lose mail with greylisting servers."));
  return hint;
}

static SdHint *
hint_too_big (const SdServerSession *session,
              const SdServerConfig  *config)
{
  SdHint *hint;

  if (session->messages_too_big == 0)
    return NULL;
  hint = sd_hint_new ("client-message-too-big", SD_HINT_ERROR, 70,
                   _("The message was larger than the server's limit"),
                   _("The server refused the message with 552 5.3.4 after reading it. The "
                     "client can see the limit in the SIZE keyword of the EHLO reply."));
  {
    g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, config->max_size);
    /* Translators: %s is a number of bytes. */
    g_ptr_array_add (hint->evidence, g_strdup_printf (_("limit %s bytes"), bytes));
  }
  return hint;
}

/* In the order they were always listed: equal scores keep it. */
static SdHint *
hint_tls_legacy_only (const SdServerSession *session,
                      const SdServerConfig  *config)
{
  const SdTlsClientHello *hello = session->client_hello;
  SdHint *hint;

  if (hello == NULL || hello->max_version == 0 || hello->max_version >= 0x0303)
    return NULL;
  hint = sd_hint_new ("client-tls-legacy-only", SD_HINT_ERROR, 88,
                   _("The client offers only TLS 1.0/1.1"),
                   _("This device will fail against Microsoft 365 and most current servers: "
                     "TLS 1.0 and 1.1 were retired, and TLS 1.2 is the least they accept."));
  g_ptr_array_add (hint->evidence,
                   /* Translators: %s is a TLS version ("TLS1.0"). */
                   g_strdup_printf (_("Newest version offered: %s"),
                                    sd_tls_version_name (hello->max_version)));
  sd_hint_add_fix (hint, "generic", _("The device"),
                _("Update its firmware (or, for a .NET application, its framework: TLS 1.2 "
                  "needs .NET 4.6 or later, or SchUseStrongCrypto)"),
                _("Or send through a relay that still accepts TLS 1.0, such as an internal "
                  "Exchange or Postfix connector for this device only"), NULL);
  return hint;
}

static SdHint *
hint_tls_weak_ciphers (const SdServerSession *session,
                       const SdServerConfig  *config)
{
  SdHint *hint;

  if (session->client_hello == NULL || !session->client_hello->only_weak_ciphers)
    return NULL;
  hint = sd_hint_new ("client-tls-weak-ciphers", SD_HINT_ERROR, 80,
                   _("The client offers only weak ciphers"),
                   _("Every cipher suite in its offer is RC4, DES, 3DES, NULL or export "
                     "grade: current servers refuse all of them."));
  sd_hint_add_fix (hint, "generic", _("The device"),
                _("Update its firmware, or send through a relay that accepts it"), NULL);
  return hint;
}

static SdHint *(* const hint_checks[]) (const SdServerSession *, const SdServerConfig *) = {
  hint_tls_auth_before_starttls,
  hint_tls_no_starttls,
  hint_helo,
  hint_no_auth,
  hint_auth_needs_tls,
  hint_auth_failed,
  hint_sender_mismatch,
  hint_bare_lf,
  hint_8bit_undeclared,
  hint_relay_refused,
  hint_greylisted,
  hint_too_big,
  hint_tls_legacy_only,
  hint_tls_weak_ciphers,
};

GPtrArray *
sd_server_session_hints (const SdServerSession *session,
                         const SdServerConfig  *config)
{
  GPtrArray *hints = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_hint_free);

  for (guint i = 0; i < G_N_ELEMENTS (hint_checks); i++)
    {
      SdHint *hint = hint_checks[i] (session, config);
      if (hint != NULL)
        g_ptr_array_add (hints, hint);
    }

  /* Most likely cause first, as for client sessions. */
  for (guint i = 1; i < hints->len; i++)
    for (guint j = i; j > 0 && ((SdHint *) hints->pdata[j])->score >
                               ((SdHint *) hints->pdata[j - 1])->score; j--)
      {
        gpointer tmp = hints->pdata[j];
        hints->pdata[j] = hints->pdata[j - 1];
        hints->pdata[j - 1] = tmp;
      }
  return hints;
}

/* sd-server-connector.c: the named behaviours (a data table) and how they set a config
 *
 * Texts are the products' own, as their documentation and real sessions show them.
 * Templates: %h our host name, %c the client's EHLO name, %i its address, %d the date,
 * %r the recipient. What the built-in server cannot do is left out rather than faked:
 * CHUNKING/BINARYMIME (no BDAT) are not announced; GSSAPI and NTLM are announced where
 * the product does, and a try is answered as the product answers a failed one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server-connector.h"

#define EXCHANGE_GREETING "%h Microsoft ESMTP MAIL Service ready at %d"
#define EXCHANGE_HELLO    "%h Hello [%i]"
#define EXCHANGE_KEYWORDS "SIZE\nPIPELINING\nDSN\nENHANCEDSTATUSCODES\nSTARTTLS\nAUTH\n8BITMIME"
#define EXCHANGE_AUTH_REQUIRED "530 5.7.1 Client was not authenticated"
#define EXCHANGE_AUTH_FAILED   "535 5.7.3 Authentication unsuccessful"
#define EXCHANGE_AUTH_UNKNOWN  "504 5.7.4 Unrecognized authentication type"
#define EXCHANGE_RELAY_DENIED  "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain"
#define EXCHANGE_TLS_REQUIRED  "530 5.7.0 Must issue a STARTTLS command first"

static const SdServerConnector connector_own = {
  .name = "smtp-doctor",
  .title = N_("SMTP Doctor (the built-in server’s own)"),
  .description = N_("Offers AUTH PLAIN LOGIN CRAM-MD5; the policies are set one by one"),
  .greeting = "%h ESMTP SMTP Doctor built-in server",
  .ehlo_hello = "%h Hello %c",
  .keywords = "SIZE\nPIPELINING\n8BITMIME\nENHANCEDSTATUSCODES\nSTARTTLS\nAUTH\nHELP",
  .auth = "PLAIN LOGIN CRAM-MD5",
  .starttls = TRUE,
  .reply_auth_required = "530 5.7.0 Authentication required",
  .reply_tls_required = "530 5.7.0 Must issue a STARTTLS command first",
  .reply_auth_failed = "535 5.7.8 Authentication credentials invalid",
  .reply_auth_unknown = "504 5.5.4 Unrecognized authentication type",
  .reply_auth_disabled = "503 5.5.1 Error: authentication not enabled",
  .reply_relay_denied = "550 5.7.54 Unable to relay recipient in non-accepted domain",
  .reply_auth_no_tls = "504 5.7.4 Unrecognized authentication type",
};

static const SdServerConnector connector_exchange_frontend = {
  .name = "exchange-frontend",
  .title = N_("Exchange Client Frontend (default)"),
  .description = N_("Port 587: authentication required; LOGIN only after STARTTLS, "
                    "GSSAPI and NTLM before it"),
  .greeting = EXCHANGE_GREETING, .ehlo_hello = EXCHANGE_HELLO, .keywords = EXCHANGE_KEYWORDS,
  .auth = "GSSAPI NTLM LOGIN", .auth_no_tls = "GSSAPI NTLM",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .require_auth = TRUE,
  .reply_auth_required = EXCHANGE_AUTH_REQUIRED, .reply_tls_required = EXCHANGE_TLS_REQUIRED,
  .reply_auth_failed = EXCHANGE_AUTH_FAILED, .reply_auth_unknown = EXCHANGE_AUTH_UNKNOWN,
  .reply_auth_disabled = EXCHANGE_AUTH_UNKNOWN, .reply_relay_denied = EXCHANGE_RELAY_DENIED,
  .reply_auth_no_tls = EXCHANGE_AUTH_UNKNOWN,
};

static const SdServerConnector connector_exchange_basic_tls = {
  .name = "exchange-basic-after-tls",
  .title = N_("Exchange, basic auth only after TLS"),
  .description = N_("Anonymous mail to accepted domains; LOGIN is offered only after "
                    "STARTTLS (“Offer basic authentication only after starting TLS”)"),
  .greeting = EXCHANGE_GREETING, .ehlo_hello = EXCHANGE_HELLO,
  .keywords = EXCHANGE_KEYWORDS "\nX-ANONYMOUSTLS",
  .auth = "GSSAPI NTLM LOGIN", .auth_no_tls = "GSSAPI NTLM",
  .starttls = TRUE, .require_tls_for_auth = TRUE,
  .reply_auth_required = EXCHANGE_AUTH_REQUIRED, .reply_tls_required = EXCHANGE_TLS_REQUIRED,
  .reply_auth_failed = EXCHANGE_AUTH_FAILED, .reply_auth_unknown = EXCHANGE_AUTH_UNKNOWN,
  .reply_auth_disabled = EXCHANGE_AUTH_UNKNOWN, .reply_relay_denied = EXCHANGE_RELAY_DENIED,
  .reply_auth_no_tls = EXCHANGE_AUTH_UNKNOWN,
};

static const SdServerConnector connector_exchange_integrated = {
  .name = "exchange-integrated",
  .title = N_("Exchange integrated auth only (AUTH GSSAPI NTLM)"),
  .description = N_("Only Integrated Windows authentication: clients that can only do "
                    "LOGIN or PLAIN get 504 5.7.4, then 530 5.7.1"),
  .greeting = EXCHANGE_GREETING, .ehlo_hello = EXCHANGE_HELLO, .keywords = EXCHANGE_KEYWORDS,
  .auth = "GSSAPI NTLM", .auth_no_tls = "GSSAPI NTLM",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .require_auth = TRUE,
  .reply_auth_required = EXCHANGE_AUTH_REQUIRED, .reply_tls_required = EXCHANGE_TLS_REQUIRED,
  .reply_auth_failed = EXCHANGE_AUTH_FAILED, .reply_auth_unknown = EXCHANGE_AUTH_UNKNOWN,
  .reply_auth_disabled = EXCHANGE_AUTH_UNKNOWN, .reply_relay_denied = EXCHANGE_RELAY_DENIED,
  .reply_auth_no_tls = EXCHANGE_AUTH_UNKNOWN,
};

static const SdServerConnector connector_exchange_relay = {
  .name = "exchange-anonymous-relay",
  .title = N_("Exchange anonymous relay"),
  .description = N_("A receive connector for the application’s address with Anonymous "
                    "users and Accept any recipient: relays without authentication"),
  .greeting = EXCHANGE_GREETING, .ehlo_hello = EXCHANGE_HELLO,
  .keywords = EXCHANGE_KEYWORDS "\nX-ANONYMOUSTLS",
  .auth = "GSSAPI NTLM LOGIN", .auth_no_tls = "GSSAPI NTLM",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .relay_open = TRUE,
  .reply_auth_required = EXCHANGE_AUTH_REQUIRED, .reply_tls_required = EXCHANGE_TLS_REQUIRED,
  .reply_auth_failed = EXCHANGE_AUTH_FAILED, .reply_auth_unknown = EXCHANGE_AUTH_UNKNOWN,
  .reply_auth_disabled = EXCHANGE_AUTH_UNKNOWN, .reply_relay_denied = EXCHANGE_RELAY_DENIED,
  .reply_auth_no_tls = EXCHANGE_AUTH_UNKNOWN,
};

static const SdServerConnector connector_exchange_external = {
  .name = "exchange-externally-secured",
  .title = N_("Exchange externally secured"),
  .description = N_("“Externally secured” authentication: no AUTH offered, everything "
                    "accepted and relayed as if authenticated"),
  .greeting = EXCHANGE_GREETING, .ehlo_hello = EXCHANGE_HELLO,
  .keywords = "SIZE\nPIPELINING\nDSN\nENHANCEDSTATUSCODES\nSTARTTLS\n8BITMIME",
  .starttls = TRUE, .relay_open = TRUE,
  .reply_auth_required = EXCHANGE_AUTH_REQUIRED, .reply_tls_required = EXCHANGE_TLS_REQUIRED,
  .reply_auth_failed = EXCHANGE_AUTH_FAILED, .reply_auth_unknown = EXCHANGE_AUTH_UNKNOWN,
  .reply_auth_disabled = EXCHANGE_AUTH_UNKNOWN, .reply_relay_denied = EXCHANGE_RELAY_DENIED,
  .reply_auth_no_tls = EXCHANGE_AUTH_UNKNOWN,
};

static const SdServerConnector connector_m365 = {
  .name = "m365",
  .title = N_("Microsoft 365 SMTP AUTH (STARTTLS required, TLS 1.2+, AUTH LOGIN XOAUTH2)"),
  .description = N_("smtp.office365.com on port 587: no AUTH before STARTTLS, TLS 1.2 or "
                    "newer, authentication required"),
  .greeting = "%h Microsoft ESMTP MAIL Service ready at %d",
  .ehlo_hello = "%h Hello [%i]",
  .keywords = "SIZE\nPIPELINING\nDSN\nENHANCEDSTATUSCODES\nSTARTTLS\nAUTH\n8BITMIME\nSMTPUTF8",
  .auth = "LOGIN XOAUTH2",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .require_tls = TRUE, .require_auth = TRUE,
  .tls_min_version = 12,
  .reply_auth_required = "530 5.7.57 Client not authenticated to send mail.",
  .reply_tls_required = "530 5.7.0 Must issue a STARTTLS command first",
  .reply_auth_failed = "535 5.7.139 Authentication unsuccessful, the user credentials were "
                       "incorrect.",
  .reply_auth_unknown = "504 5.7.4 Unrecognized authentication type",
  .reply_auth_disabled = "504 5.7.4 Unrecognized authentication type",
  .reply_relay_denied = "550 5.7.64 TenantAttribution; Relay Access Denied",
  .reply_auth_no_tls = "504 5.7.4 Unrecognized authentication type",
};

static const SdServerConnector connector_gmail = {
  .name = "gmail",
  .title = N_("Gmail"),
  .description = N_("smtp.gmail.com on port 587: AUTH only after STARTTLS, an app password "
                    "or OAuth required"),
  .greeting = "%h ESMTP - gsmtp",
  .ehlo_hello = "%h at your service, [%i]",
  .keywords = "SIZE\n8BITMIME\nSTARTTLS\nAUTH\nENHANCEDSTATUSCODES\nPIPELINING\nSMTPUTF8",
  .auth = "LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .require_tls = TRUE, .require_auth = TRUE,
  .tls_min_version = 12,
  .reply_auth_required = "530-5.7.0 Authentication Required. For more information, go to\n"
                         "530 5.7.0  https://support.google.com/mail/?p=WantAuthError - gsmtp",
  .reply_tls_required = "530 5.7.0 Must issue a STARTTLS command first. - gsmtp",
  .reply_auth_failed = "535-5.7.8 Username and Password not accepted. For more information, "
                       "go to\n"
                       "535 5.7.8  https://support.google.com/mail/?p=BadCredentials - gsmtp",
  .reply_auth_unknown = "504 5.7.4 Unrecognized authentication type. - gsmtp",
  .reply_auth_disabled = "502 5.5.1 Unrecognized command. - gsmtp",
  .reply_relay_denied = "550 5.7.1 Relay denied - gsmtp",
  .reply_auth_no_tls = "530 5.7.0 Must issue a STARTTLS command first. - gsmtp",
};

static const SdServerConnector connector_postfix = {
  .name = "postfix-submission",
  .title = N_("Postfix submission"),
  .description = N_("Port 587 as master.cf ships it: TLS required (encrypt), AUTH only "
                    "inside TLS, unauthenticated clients refused at RCPT"),
  .greeting = "%h ESMTP Postfix",
  .ehlo_hello = "%h",
  .keywords = "PIPELINING\nSIZE\nVRFY\nETRN\nSTARTTLS\nAUTH\nENHANCEDSTATUSCODES\n8BITMIME\n"
              "DSN\nSMTPUTF8",
  .auth = "PLAIN LOGIN",
  .starttls = TRUE, .require_tls_for_auth = TRUE, .require_tls = TRUE, .require_auth = TRUE,
  .auth_check_at_rcpt = TRUE,
  .reply_auth_required = "554 5.7.1 <%r>: Relay access denied",
  .reply_tls_required = "530 5.7.0 Must issue a STARTTLS command first",
  .reply_auth_failed = "535 5.7.8 Error: authentication failed: authentication failure",
  .reply_auth_unknown = "535 5.7.8 Error: authentication failed: Invalid authentication "
                        "mechanism",
  .reply_auth_disabled = "503 5.5.1 Error: authentication not enabled",
  .reply_relay_denied = "454 4.7.1 <%r>: Relay access denied",
  .reply_auth_no_tls = "503 5.5.1 Error: authentication not enabled",
};

static const SdServerConnector connector_open = {
  .name = "open",
  .title = N_("Open (accept anything)"),
  .description = N_("Any credentials, any sender, any recipient, with or without TLS"),
  .greeting = "%h ESMTP SMTP Doctor built-in server (open)",
  .ehlo_hello = "%h Hello %c",
  .keywords = "SIZE\nPIPELINING\n8BITMIME\nENHANCEDSTATUSCODES\nDSN\nSMTPUTF8\nSTARTTLS\n"
              "AUTH\nHELP",
  .auth = "PLAIN LOGIN CRAM-MD5 XOAUTH2",
  .starttls = TRUE, .relay_open = TRUE, .accept_any_auth = TRUE,
  .reply_auth_required = "530 5.7.0 Authentication required",
  .reply_tls_required = "530 5.7.0 Must issue a STARTTLS command first",
  .reply_auth_failed = "535 5.7.8 Authentication credentials invalid",
  .reply_auth_unknown = "504 5.5.4 Unrecognized authentication type",
  .reply_auth_disabled = "503 5.5.1 Error: authentication not enabled",
  .reply_relay_denied = "550 5.7.54 Unable to relay recipient in non-accepted domain",
  .reply_auth_no_tls = "504 5.7.4 Unrecognized authentication type",
};

static const SdServerConnector * const connectors[] = {
  &connector_own,
  &connector_exchange_frontend,
  &connector_exchange_basic_tls,
  &connector_exchange_integrated,
  &connector_exchange_relay,
  &connector_exchange_external,
  &connector_m365,
  &connector_gmail,
  &connector_postfix,
  &connector_open,
  NULL,
};

const SdServerConnector * const *
sd_server_connectors (void)
{
  return connectors;
}

const SdServerConnector *
sd_server_connector_lookup (const char *name)
{
  if (name == NULL || *name == '\0')
    return &connector_own;
  for (guint i = 0; connectors[i] != NULL; i++)
    if (g_ascii_strcasecmp (connectors[i]->name, name) == 0)
      return connectors[i];
  return NULL;
}

gboolean
sd_server_connector_offers (const SdServerConnector *connector,
                            const char              *keyword)
{
  g_auto(GStrv) words = g_strsplit (connector->keywords, "\n", -1);
  return g_strv_contains ((const char * const *) words, keyword);
}

gboolean
sd_server_config_apply_connector (SdServerConfig *config,
                                  const char     *name,
                                  GError        **error)
{
  const SdServerConnector *connector = sd_server_connector_lookup (name);

  if (connector == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      for (guint i = 0; connectors[i] != NULL; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", connectors[i]->name);
      g_set_error (error, SD_SERVER_ERROR, SD_SERVER_ERROR_INVALID_CONFIG,
                   /* Translators: a name the user gave, then the list of known names. */
                   _("Unknown connector “%s”; known: %s"), name, names->str);
      return FALSE;
    }
  g_free (config->connector);
  config->connector = g_strdup (connector->name);
  config->starttls = connector->starttls;
  config->require_tls_for_auth = connector->require_tls_for_auth;
  config->require_tls = connector->require_tls;
  config->require_auth = connector->require_auth;
  config->accept_any_auth = config->accept_any_auth || connector->accept_any_auth;
  if (connector->tls_min_version > config->tls_min_version)
    config->tls_min_version = connector->tls_min_version;
  return TRUE;
}

/* test-hints-cases.h: one or more inputs per rule, each naming the hint that must rank
 * first. Text cases go through sd_hints_diagnose_text(); the others are reports built
 * by hand (see test-hints.c for the meaning of each field).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

typedef struct {
  const char *expect;     /* rule id that must be first */
  const char *text;       /* pasted text; NULL: build a report from the fields below */
  const char *stage;      /* the stage the report stopped at; NULL: "quit" */
  int         error;      /* SdSessionError + 1; 0: the session went well */
  const char *message;    /* the error's message; NULL: the reply's text */
  const char *reply;      /* the failing reply, lines separated by "\n" */
  const char *before;     /* EHLO keywords before TLS, separated by "|" */
  const char *after;      /* after TLS */
  const char *security;   /* NULL: "starttls" */
  guint       port;       /* 0: 587 */
  gboolean    anonymous;  /* no credentials configured */
  const char *tls;        /* "version|policy|verify_error|self_signed|SAN" */
  const char *rcpt;       /* a refused recipient's reply */
  const char *banner;
  const char *mechanism;  /* the AUTH mechanism tried */
  const char *oauth;      /* an OAuth error challenge: "status|scope|schemes" */
  const char *token;      /* "MECHANISM|fact|fact": AUTH tried and the token's warnings */
  const char *auth_fact;  /* what the mechanism itself found (GSSAPI: "gssapi-…") */
  gboolean    tls_at_once; /* no greeting, but the port answered a TLS handshake */
} HintCase;

/* AUTH GSSAPI stopped by Kerberos before AUTH went out, against an Exchange-like server
 * that offers only integrated authentication. */
#define GSS_CASE(rule, fact, msg) \
  { rule, NULL, "auth", E(AUTH), msg, NULL, "STARTTLS", "AUTH GSSAPI NTLM", \
    .mechanism = "GSSAPI", .auth_fact = fact }

#define E(code) (SD_SESSION_ERROR_##code + 1)

static const HintCase hint_cases[] = {
  /* --- connection ----------------------------------------------------------------- */
  { "dns-host-not-found", NULL, "resolve", E(RESOLVE),
    "Cannot find the server “smtp.exmple.com”: Error resolving “smtp.exmple.com”: Name or service not known" },
  { "dns-host-not-found", "System.Net.Mail.SmtpException: Failure sending mail. ---> System.Net.WebException: The remote name could not be resolved: 'smtp.contoso.com'" },
  { "dns-resolver-failing", "socket.gaierror: [Errno -3] Temporary failure in name resolution" },
  { "dns-resolver-failing", "Error: getaddrinfo EAI_AGAIN smtp.office365.com\n  code: 'EDNS', command: 'CONN'" },
  { "dns-mx-host-no-address", "postfix/smtp[10220]: 3B2A1C0D9E: to=<info@shop.example>, relay=none, dsn=5.4.4, status=bounced (Host or domain name not found. Name service error for name=mail.shop-old.example type=A: Host not found)" },
  /* Two unrelated names fail: the resolver, not a typo in one of them. */
  { "dns-resolver-failing", "\"ERROR\"\t1844\t\"Description: DNS query failed. Query: example.fr, Type: 15, DnsQuery return value: 9002\"\n\"ERROR\"\t1844\t\"Description: DNS query failed. Query: gmail.com, Type: 15, DnsQuery return value: 9002\"" },
  { "dns-resolver-failing", "C:\\>nslookup www.example.de\nDNS request timed out.\n    timeout was 2 seconds." },
  { "dns-host-not-found", "System.Net.WebException: The remote name could not be resolved: 'smtp.exmple.com'\nSystem.Net.WebException: The remote name could not be resolved: 'smtp.exmple.com'" },
  /* Port 25 fails to the servers of two domains while 587 answers: blocked on the way. */
  { "network-port25-blocked", "postfix/smtp[2231]: connect to gmail-smtp-in.l.google.com[192.0.2.27]:25: Connection timed out\npostfix/smtp[2240]: connect to mx.example.org[198.51.100.10]:25: Connection timed out" },
  { "network-port25-blocked", "postfix/smtp[902]: connect to mx00.example.net[192.0.2.9]:25: Connection refused\n$ nc -vz mail.example.net 587\nConnection to mail.example.net (192.0.2.168) 587 port [tcp/submission] succeeded!" },
  { "connect-refused", NULL, "connect", E(CONNECT),
    "Cannot connect to mail.example.com port 2526: Could not connect to 192.0.2.1: Connection refused" },
  { "connect-refused", "Unable to connect to the remote server ---> System.Net.Sockets.SocketException: No connection could be made because the target machine actively refused it 10.0.0.5:25" },
  { "connect-timeout", NULL, "connect", E(TIMEOUT),
    "No answer from mail.example.com port 25 within 30 s (a firewall may drop the packets)", .port = 25, .security = "none" },
  { "connect-timeout-text", "System.Net.Mail.SmtpException: The operation has timed out." },
  { "network-unreachable", NULL, "connect", E(CONNECT),
    "Cannot connect to mail.example.com port 25: Could not connect to 2001:db8::25: Network is unreachable", .port = 25 },
  { "port-465-without-tls", NULL, "greeting", E(TIMEOUT),
    "No answer within the time limit while waiting for the reply to the connection (greeting)", .port = 465 },
  { "port-speaks-tls-at-once", NULL, "greeting", E(TIMEOUT),
    "No answer within the time limit while waiting for the reply to the connection (greeting)",
    .port = 4650, .security = "none", .tls_at_once = TRUE },
  { "port-speaks-tls-at-once", NULL, "greeting", E(TIMEOUT),
    "No answer within the time limit while waiting for the reply to the connection (greeting)",
    .port = 465, .tls_at_once = TRUE },
  { "tls-on-plain-port", NULL, "tls", E(TLS),
    "An unexpected TLS packet was received. (while negotiating TLS)", .security = "tls" },
  /* The whole text: the port and the security mode set beside it do not go together. */
  { "port-465-without-tls", "RAC0225: Sending the test mail failed.\nSMTP server: smtp.example.com  Port: 465  Connection Encryption: STARTTLS" },
  { "port-465-without-tls", "smtplib.SMTPServerDisconnected: Connection unexpectedly closed: timed out\n    with smtplib.SMTP(\"smtp.example.net\", 465, timeout=30) as s:" },
  { "tls-on-plain-port", "Error: error:1408F10B:SSL routines:ssl3_get_record:wrong version number\n  server_port: 587\n  secure: true" },
  { "tls-on-plain-port", "Échec de l'envoi de l'e-mail de test. (Erreur : SSL connect error)\nServeur SMTP : ssl0.example.net   Port : 587   Connexion sécurisée : SSL" },
  { "tls-mode-mismatch-text", "40E7B1D8D57F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number" },
  { "greeting-refused-554", NULL, "greeting", E(REJECTED), NULL, "554 5.7.1 Access denied" },
  { "greeting-421-busy", "421 4.3.2 Service not available, closing transmission channel" },
  { "blocklisted-ip", "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org" },
  { "firewall-smtp-inspection", "220 ******************************2*0*0*2******0***********0*0*0*0*\nEHLO app\n500 5.3.3 Unrecognized command 'XXXX'" },

  /* --- EHLO, STARTTLS, TLS, certificates ---------------------------------------------- */
  { "auth-basic-only-after-starttls", NULL, .before = "SIZE 37748736|PIPELINING|STARTTLS|AUTH GSSAPI NTLM",
    .after = "SIZE 37748736|PIPELINING|AUTH GSSAPI NTLM LOGIN" },
  { "auth-basic-only-after-starttls", NULL, "auth", E(AUTH),
    "No authentication mechanism we can use: the server offers GSSAPI NTLM",
    .before = "STARTTLS|AUTH GSSAPI NTLM", .security = "none", .port = 25 },
  { "auth-basic-only-after-starttls", "220 ex2013.contoso.local Microsoft ESMTP MAIL Service ready\nEHLO app01\n250-ex2013.contoso.local Hello\n250-STARTTLS\n250-AUTH GSSAPI NTLM\n250 8BITMIME\nQUIT\n221 2.0.0 Service closing transmission channel" },
  { "auth-only-after-starttls", NULL, .before = "STARTTLS|SIZE 10240000", .after = "SIZE 10240000|AUTH PLAIN LOGIN" },
  { "auth-none-before-tls-likely", NULL, "auth", E(AUTH),
    "The server offers no authentication (AUTH) on this unencrypted connection (many servers offer it only after STARTTLS), but credentials were given",
    .before = "STARTTLS|SIZE 10240000", .security = "none", .port = 25 },
  { "auth-not-offered", NULL, "auth", E(AUTH),
    "The server offers no authentication (AUTH) after STARTTLS, but credentials were given",
    .before = "STARTTLS|SIZE 10240000", .after = "SIZE 10240000|8BITMIME" },
  { "auth-integrated-only", NULL, "auth", E(AUTH),
    "No authentication mechanism we can use: the server offers GSSAPI NTLM",
    .before = "STARTTLS|AUTH GSSAPI NTLM", .after = "AUTH GSSAPI NTLM" },
  { "starttls-not-offered", NULL, "ehlo", E(TLS),
    "The server does not offer STARTTLS, and the security mode requires it. Nothing else was sent (no credentials, no mail)",
    .before = "SIZE 1000|AUTH PLAIN LOGIN" },
  { "starttls-not-offered-optional", NULL, .before = "SIZE 1000|AUTH PLAIN LOGIN", .security = "starttls-optional" },
  { "starttls-required", "530 5.7.0 Must issue a STARTTLS command first" },
  { "starttls-refused", NULL, "starttls", E(TLS), NULL, "454 4.7.0 TLS not available due to local problem",
    .before = "STARTTLS|AUTH PLAIN" },
  { "tls-handshake-failed", NULL, "tls", E(TLS),
    "The TLS handshake failed: A TLS fatal alert has been received. (while negotiating TLS)", .before = "STARTTLS" },
  { "tls-handshake-failed-text", "Queue: 421 4.4.2 Connection dropped due to SocketError\nTLS negotiation failed with error SocketError" },
  { "tls-legacy-version", NULL, .before = "STARTTLS|AUTH PLAIN LOGIN", .after = "AUTH PLAIN LOGIN", .tls = "TLS1.0|verify||0|DNS:mail.example.com" },
  { "exo-legacy-tls-rejected", "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2." },
  { "cert-name-mismatch", NULL, "tls", E(TLS),
    "The certificate was refused: name mismatch: you connected to “10.0.0.5” but the certificate is for mail.contoso.com (while checking the certificate)",
    .before = "STARTTLS",
    .tls = "TLS1.3|verify|name mismatch: you connected to “10.0.0.5” but the certificate is for mail.contoso.com|0|DNS:mail.contoso.com" },
  { "tls-client-too-old", "javax.mail.MessagingException: Can't send command to SMTP host;\n"
    "  nested exception is:\n\tjavax.net.ssl.SSLHandshakeException: Received fatal alert: protocol_version\n"
    "host smtp.office365.com port 587" },
  { "tls-client-too-old", "ssl.SSLError: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version (_ssl.c:1129)" },
  { "cert-name-mismatch-text", "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch" },
  { "cert-self-signed", NULL, "tls", E(TLS), "The certificate was refused (while checking the certificate)",
    .before = "STARTTLS", .tls = "TLS1.2|verify|unknown issuer: “CN=EX2013” is not a trusted certificate authority|1|DNS:EX2013" },
  { "cert-unknown-ca", NULL, "tls", E(TLS), "The certificate was refused (while checking the certificate)",
    .before = "STARTTLS", .tls = "TLS1.3|verify|unknown issuer: “CN=Contoso Issuing CA” is not a trusted certificate authority|0|DNS:mail.example.com" },
  { "cert-untrusted-text", "The remote certificate is invalid according to the validation procedure: RemoteCertificateChainErrors" },
  { "cert-expired", NULL, "tls", E(TLS), "The certificate was refused (while checking the certificate)",
    .before = "STARTTLS", .tls = "TLS1.3|verify|expired on 2024-01-01T00:00:00Z|0|DNS:mail.example.com" },
  { "cert-expired-text", "curl: (60) SSL certificate problem: certificate has expired" },
  /* Limits: generic, and the providers' own words. */
  { "rate-limit-too-many-connections", "System.Net.Mail.SmtpException: Service not available, closing transmission channel. The server response was: 4.7.0 Too many concurrent SMTP connections from this IP address; please try again later" },
  { "rate-limit-sending", "Error: Expected response code \"250\" but got code \"450\", with message \"450 4.7.1 Too many messages, slow down\"." },
  { "mailgun-plan-sending-limit", "(421, b'Domain mg.example.de is not allowed to send: Free plan sending limit of 100 messages per day exceeded')" },
  { "mailgun-eu-region-host", "Mailgun domain mg.example.eu was created in the EU region.\nExpected response code \"235\" but got code \"535\", with message \"535 Authentication failed\".\nServer: smtp.mailgun.org  Port 587" },
  { "sendgrid-account-suspended", "javax.mail.AuthenticationFailedException: 535 Authentication failed: account disabled\nOutgoing mail server: smtp.sendgrid.net:587" },
  { "zoho-outgoing-blocked", "Expected response code \"250\" but got code \"554\", with message \"554 5.1.8 Email Outgoing Blocked.\" (smtp.zoho.eu)" },
  { "freemail-external-access-disabled", "s.login(\"alarm@web.de\", PASSWORT)\nsmtplib.SMTPAuthenticationError: (535, b'Authentication credentials invalid')" },
  { "cert-expired-text", "Échec de l'envoi du message.\nLe certificat de smtp.example.fr a expiré le 04/12/2026.\nCode d'erreur : SEC_ERROR_EXPIRED_CERTIFICATE" },
  { "cert-untrusted-text", "Fehler: Die Verbindung zum SMTP-Server konnte nicht hergestellt werden. Das Zertifikat des Servers ist nicht vertrauenswürdig." },
  { "cert-not-verified", NULL, .before = "STARTTLS|AUTH PLAIN", .after = "AUTH PLAIN",
    .tls = "TLS1.3|accept-any|unknown issuer: “CN=lab” is not a trusted certificate authority|0|DNS:mail.example.com" },
  { "ehlo-name-rejected", "501 5.5.4 Invalid domain name in HELO/EHLO: app01" },
  { "ehlo-refused", NULL, "ehlo", E(REJECTED), NULL, "554 5.7.1 Not allowed" },
  { "send-hello-first", "503 5.5.1 Error: send HELO/EHLO first" },

  /* --- authentication ---------------------------------------------------------------- */
  { "auth-failed-generic", NULL, "auth", E(AUTH), NULL, "535 5.7.8 Error: authentication failed: authentication failure",
    .before = "STARTTLS", .after = "AUTH PLAIN LOGIN" },
  { "auth-failed-microsoft", "535 5.7.3 Authentication unsuccessful" },
  { "auth-failed-microsoft", "AUTH LOGIN\n334 VXNlcm5hbWU6\n334 UGFzc3dvcmQ6\n535 5.7.3 Authentication unsuccessful\n221 2.0.0 Service closing transmission channel" },
  GSS_CASE ("gssapi-spn-not-registered", "gssapi-spn-unknown",
            "Getting a service ticket failed: the server's service principal (SPN) is not "
            "registered in the realm (the domain) (Kerberos: Server smtp/mail.example.com@EXAMPLE.COM "
            "not found in Kerberos database)"),
  GSS_CASE ("gssapi-clock-skew", "gssapi-clock-skew",
            "Getting a service ticket failed: the clocks differ (Kerberos: Clock skew too great)"),
  GSS_CASE ("gssapi-no-ticket", "gssapi-no-credentials",
            "Finding a Kerberos ticket failed: there is no Kerberos ticket for this user "
            "(Kerberos: No Kerberos credentials available (default cache: FILE:/tmp/krb5cc_1000))"),
  GSS_CASE ("gssapi-realm-unknown", "gssapi-realm-unknown",
            "Getting a ticket with the password failed: no KDC was found for the realm "
            "(Kerberos: Cannot find KDC for realm \"CONTOSO.CM\")"),
  GSS_CASE ("gssapi-wrong-password", "gssapi-bad-password",
            "Getting a ticket with the password failed: the KDC refused the password "
            "(Kerberos: Preauthentication failed)"),
  GSS_CASE ("gssapi-user-unknown", "gssapi-user-unknown",
            "Getting a ticket with the password failed: the user is not known in the realm "
            "(Kerberos: Client 'bob@EXAMPLE.COM' not found in Kerberos database)"),
  GSS_CASE ("gssapi-ticket-expired", "gssapi-ticket-expired",
            "Finding a Kerberos ticket failed: the ticket or the password has expired "
            "(Kerberos: The referenced credential has expired)"),
  /* The ticket went to the server, which answered 535. */
  { "gssapi-ticket-refused", NULL, "auth", E(AUTH), NULL,
    "535 5.7.3 Authentication unsuccessful", "STARTTLS", "AUTH GSSAPI NTLM",
    .mechanism = "GSSAPI" },
  { "oauth-token-expired", NULL, "auth", E(AUTH), NULL, "535 5.7.3 Authentication unsuccessful",
    "STARTTLS", "AUTH LOGIN XOAUTH2", .token = "XOAUTH2|oauth-token-expired" },
  { "oauth-token-expired", NULL, "auth", E(AUTH), NULL, "535-5.7.8 Username and Password not accepted",
    "STARTTLS", "AUTH XOAUTH2 OAUTHBEARER", .token = "XOAUTH2|oauth-token-expired" },
  { "oauth-wrong-audience", NULL, "auth", E(AUTH), NULL, "535 5.7.3 Authentication unsuccessful",
    "STARTTLS", "AUTH LOGIN XOAUTH2", .token = "XOAUTH2|oauth-wrong-audience" },
  { "oauth-missing-scope", NULL, "auth", E(AUTH), NULL, "535 5.7.3 Authentication unsuccessful",
    "STARTTLS", "AUTH LOGIN XOAUTH2", .token = "OAUTHBEARER|oauth-missing-scope" },
  { "oauth-wrong-tenant", NULL, "auth", E(AUTH), NULL, "535 5.7.139 Authentication unsuccessful",
    "STARTTLS", "AUTH LOGIN XOAUTH2", .token = "XOAUTH2|oauth-wrong-tenant" },
  { "oauth-app-only", NULL, "auth", E(AUTH), NULL, "535 5.7.3 Authentication unsuccessful",
    "STARTTLS", "AUTH LOGIN XOAUTH2", .token = "XOAUTH2|oauth-app-only" },
  { "exo-smtp-auth-disabled-tenant", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information." },
  { "exo-security-defaults", "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator." },
  { "exo-smtp-auth-disabled-mailbox", "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect or the request did not meet the criteria to be authenticated successfully. Contact your administrator." },
  { "oauth-token-rejected", NULL, "auth", E(AUTH), NULL, "535 5.7.8 Authentication failed.",
    .after = "AUTH XOAUTH2 OAUTHBEARER", .mechanism = "XOAUTH2", .oauth = "401|mail|bearer" },
  { "oauth-token-rejected", NULL, "auth", E(AUTH), NULL, "535 5.7.8 Username and Password not accepted.",
    .after = "AUTH XOAUTH2 OAUTHBEARER", .mechanism = "OAUTHBEARER", .oauth = "invalid_token||bearer" },
  { "oauth-insufficient-scope", NULL, "auth", E(AUTH), NULL, "535 5.7.8 Authentication failed.",
    .after = "AUTH XOAUTH2", .mechanism = "XOAUTH2", .oauth = "403|https://mail.google.com/|bearer" },
  { "oauth-bad-request", NULL, "auth", E(AUTH), NULL, "535 5.7.8 Authentication failed.",
    .after = "AUTH OAUTHBEARER", .mechanism = "OAUTHBEARER", .oauth = "400||bearer" },
  { "oauth-failed-no-detail", NULL, "auth", E(AUTH), NULL, "535 5.7.3 Authentication unsuccessful [AM0PR10CA0001.EURPRD10.PROD.OUTLOOK.COM]",
    .after = "AUTH LOGIN XOAUTH2", .mechanism = "XOAUTH2" },
  { "exo-basic-auth-retired", "550 5.7.30 Basic authentication is not supported for Client Submission." },
  { "gmail-bad-credentials", "535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d9-20020a05 - gsmtp" },
  { "gmail-app-password-required", "534-5.7.9 Application-specific password required. Learn more at\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor - gsmtp" },
  { "gmail-web-login-required", "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1> Please log in via your web browser and\n534-5.7.14 then try again.\n534 5.7.14  Learn more at https://support.google.com/mail/answer/78754 - gsmtp" },
  { "gmail-less-secure-apps", "Google blocked the sign-in: less secure app access is turned off for this account" },
  { "auth-mechanism-unrecognized", NULL, "auth", E(AUTH), NULL, "504 5.7.4 Unrecognized authentication type",
    .before = "STARTTLS", .after = "AUTH NTLM LOGIN" },
  { "auth-forced-mechanism-not-offered", NULL, "auth", E(AUTH), NULL,
    "535 5.7.8 Error: authentication failed: no mechanism available",
    .before = "STARTTLS", .after = "AUTH PLAIN LOGIN", .mechanism = "CRAM-MD5" },
  { "auth-forced-mechanism-not-offered", NULL, "auth", E(AUTH), NULL,
    "504 5.7.4 Unrecognized authentication type",
    .before = "STARTTLS", .after = "AUTH PLAIN LOGIN", .mechanism = "NTLM" },
  { "auth-encryption-required", "538 5.7.11 Encryption required for requested authentication mechanism" },
  { "auth-not-enabled", "503 5.5.1 Error: authentication not enabled" },
  { "auth-temporary-failure", "454 4.7.0 Temporary authentication failure: Connection lost to authentication server" },
  { "auth-closed-after-fail", NULL, "auth", E(PROTOCOL), "The server closed the connection while waiting for the reply to AUTH",
    .before = "STARTTLS|AUTH LOGIN", .after = "AUTH LOGIN" },
  { "auth-closed-after-fail", "EHLO app01\n250-mail.contoso.com\n250 AUTH LOGIN\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYWxpY2U=\n334 UGFzc3dvcmQ6\nc2VjcmV0\n221 2.0.0 Service closing transmission channel" },
  { "quit-after-ehlo", "EHLO app01\n250-mail.contoso.com Hello\n250-SIZE 10240000\n250 8BITMIME\n221 2.0.0 Service closing transmission channel" },
  { "exchange2003-auth-negotiation-rejected", "The remote SMTP service rejected AUTH negotiation." },
  { "exchange-smarthost-plain-only", "EHLO ex2010.contoso.local\n250-smarthost.example.net\n250-AUTH PLAIN\n250 8BITMIME\nSend connector \"Internet\": SmartHostAuthMechanism BasicAuth\n530 5.7.0 Authentication required" },
  { "auth-login-decoding", "334 VXNlcm5hbWU6\nYWxpY2U=\n334 UGFzc3dvcmQ6\nc2VjcmV0\n235 2.7.0 Authentication successful" },

  /* --- MAIL, RCPT, DATA, policy ------------------------------------------------------ */
  { "exchange-client-not-authenticated", NULL, "mail", E(REJECTED), NULL, "530 5.7.1 Client was not authenticated",
    .before = "STARTTLS|AUTH GSSAPI NTLM", .after = "AUTH GSSAPI NTLM LOGIN", .anonymous = TRUE },
  { "exo-anonymous-submission", "530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during MAIL FROM" },
  { "relay-denied", NULL, "rcpt", E(REJECTED), NULL, NULL, .rcpt = "550 5.7.1 Relaying denied", .anonymous = TRUE, .port = 25 },
  { "exchange-unable-to-relay", "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain" },
  { "exchange-unable-to-relay", "System.Net.Mail.SmtpException: Mailbox unavailable. The server response was: 5.7.1 Unable to relay" },
  { "postfix-relay-access-denied", "554 5.7.1 <bob@example.net>: Relay access denied" },
  { "kerio-relaying-denied", "550 5.7.1 Relaying is denied" },
  { "exo-tenant-attribution", "550 5.7.64 TenantAttribution; Relay Access Denied [SN1NAM02FT0.eop-nam02.prod.protection.outlook.com]" },
  { "sendas-denied", "550 5.7.60 SMTP; Client does not have permissions to send as this sender" },
  { "exo-continuous-sendas-throttle", "554 5.2.252 SendAsDenied; Sender throttled due to continuous send as denied errors" },
  { "exo-sending-limits", "554 5.2.2 submission quota exceeded" },
  { "exo-bad-outbound-sender", "550 5.1.8 Access denied, bad outbound sender" },
  { "exo-ip-not-accepted-5-7-708", "550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP." },
  { "sharepoint-outbound", "#550 5.7.1 RESOLVER.RST.AuthRequired; authentication required ##rfc822;allstaff@contoso.com" },
  { "group-restricted", "550 5.7.124 Sender not in allowed-senders list" },
  { "rcpt-unknown-user", NULL, "rcpt", E(REJECTED), NULL, NULL,
    .rcpt = "550 5.1.1 <bob@example.org>... User unknown" },
  { "too-many-recipients", "452 4.5.3 Too many recipients" },
  { "no-reverse-dns", "550 5.7.25 [203.0.113.5] The IP address sending this message does not have a PTR record setup" },
  { "message-too-large", NULL, "data", E(REJECTED), NULL, "552 5.3.4 Message too big for system" },
  { "greylisting", "451 4.7.1 Greylisting in action, please come back later" },
  { "exo-ip-throttling", "451 4.7.500 Server busy. Please try again later from [203.0.113.5]. (AS843)" },
  { "temporary-4-4-4", NULL, "mail", E(REJECTED), NULL, "451 4.4.4 Temporary server error. Please try again later ATTR1" },
  { "remote-cannot-connect", NULL, "rcpt", E(REJECTED), NULL, NULL, .rcpt = "451 4.4.1 Cannot connect to remote host" },
  { "remote-cannot-connect", "Kerio Connect queue: Result: delayed, 4.4.1 Cannot connect to host mx.example.net" },
  { "exchange-back-pressure", "452 4.3.1 Insufficient system resources" },
  { "exchange-recipient-throttled", "432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded" },
  { "exchange-inactivity-timeout", "451 4.7.0 Timeout waiting for client input" },
  { "spf-fail", "550 5.7.23 The message was rejected because of Sender Policy Framework violation" },
  { "gmail-dmarc-policy-reject", "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy" },
  { "address-syntax", "501 5.1.3 Bad recipient address syntax" },
  { "sender-rejected", NULL, "mail", E(REJECTED), NULL, "553 5.7.1 <x@nowhere.invalid>: Sender address rejected: Access denied" },
  { "bare-lf", "550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds" },
  { "bad-sequence", "503 5.5.1 Error: need MAIL command" },
  { "command-unrecognized", "500 5.5.2 Error: command not recognized" },
  { "session-closed-by-server", NULL, "mail", E(PROTOCOL), "The server closed the connection while waiting for the reply to MAIL FROM" },
  { "gmail-daily-sending-limit", "550 5.4.5 Daily user sending limit exceeded." },
  { "mailbox-full", "552 5.2.2 Mailbox full" },

  /* --- Microsoft 365 endpoints, applications' own words ------------------------------- */
  { "exo-direct-send-external", NULL, "rcpt", E(REJECTED), NULL, NULL, .anonymous = TRUE, .port = 25, .security = "starttls",
    .rcpt = "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
    .banner = "BN8NAM12FT041.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready" },
  { "exchange-wrong-port-2525", NULL, "mail", E(REJECTED), NULL, "530 5.7.1 Client was not authenticated", .port = 2525,
    .anonymous = TRUE, .banner = "ex01.contoso.local Microsoft ESMTP MAIL Service ready" },
  { "exchange-permission-model", "Get-ReceiveConnector \"Relay\" | Add-ADPermission -User \"NT AUTHORITY\\ANONYMOUS LOGON\" -ExtendedRights \"ms-Exch-SMTP-Accept-Any-Recipient\"" },
  { "dotnet-secure-connection-required", "System.Net.Mail.SmtpException: The SMTP server requires a secure connection or the client was not authenticated. The server response was: 5.7.0 Authentication Required." },
  { "dotnet-mailbox-unavailable", "System.Net.Mail.SmtpFailedRecipientException: Mailbox unavailable. The server response was: Requested action not taken: mailbox unavailable" },
  { "powershell-send-mailmessage-failure", "Send-MailMessage : Unable to read data from the transport connection: net_io_connectionclosed." },
  { "sharepoint-uls-smtp", "11/23/2026 10:02:11.23 OWSTIMER.EXE (0x1A2C) SharePoint Foundation E-Mail 6873 Critical An error occurred while sending mail: Failed to send mail. SPEmailUtility" },

  /* --- whole transcripts: swaks, openssl s_client, our own export with its hints ----- */
  { "exo-smtp-auth-disabled-tenant",
    "=== Trying smtp.office365.com:587...\n=== Connected to smtp.office365.com.\n"
    "<-  220 AM0PR02CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready\n"
    " -> EHLO app01.contoso.com\n<-  250-AM0PR02CA0001.outlook.office365.com Hello\n"
    "<-  250-SIZE 157286400\n<-  250 STARTTLS\n -> STARTTLS\n<-  220 2.0.0 SMTP server ready\n"
    "=== TLS started with cipher TLSv1.2:ECDHE-RSA-AES256-GCM-SHA384:256\n"
    " ~> EHLO app01.contoso.com\n<~  250-AM0PR02CA0001.outlook.office365.com Hello\n"
    "<~  250 AUTH LOGIN XOAUTH2\n ~> AUTH LOGIN\n<~  334 VXNlcm5hbWU6\n ~> YXBwQGNvbnRvc28uY29t\n"
    "<~  334 UGFzc3dvcmQ6\n ~> c2VjcmV0\n"
    "<~* 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.\n"
    " ~> QUIT\n<~  221 2.0.0 Service closing transmission channel\n" },
  { "auth-failed-generic",
    "CONNECTED(00000003)\ndepth=0 CN = mail.example.com\nverify error:num=18:self-signed certificate\n"
    "verify return:1\n---\n250 CHUNKING\nEHLO x\n250-mail.example.com\n250-AUTH PLAIN LOGIN\n"
    "250 8BITMIME\nAUTH LOGIN\n334 VXNlcm5hbWU6\nYWxpY2U=\n334 UGFzc3dvcmQ6\nd3Jvbmc=\n"
    "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6\n" },
  { "auth-failed-generic",
    "      3.4 ms TLS <- 250 AUTH PLAIN LOGIN CRAM-MD5\n"
    "      3.5 ms TLS -> AUTH PLAIN [user \"alice\", password hidden]\n"
    "      3.5 ms TLS <- 535 5.7.8 Authentication credentials invalid\n"
    "      3.5 ms TLS -> QUIT\n      3.7 ms TLS <- 221 2.0.0 Bye\n\n"
    "Result: FAILED at auth: Authentication failed: 535 5.7.8 Authentication credentials invalid\n\n"
    SD_HINTS_TEXT_HEADER "\n\n[error] Whatever  (x)\n  Relay denied, SPF, DMARC, self-signed, greylisted\n" },

  /* --- the fallback ------------------------------------------------------------------ */
  { "fallback-5.6.7", "553 5.6.7 Something the knowledge base has never heard of" },
  { "fallback-internal", NULL, "ehlo", E(INTERNAL), "Something broke inside" },
};

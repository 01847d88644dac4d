/* sd-server-connector.h: named behaviours of real servers for the built-in server
 *
 * A connector sets the server's policies at once and gives it the product's greeting,
 * EHLO keywords, AUTH lists before and after STARTTLS and the product's replies, so an
 * application under test meets what it will meet in production.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sd-server.h"

G_BEGIN_DECLS

typedef struct {
  const char *name;              /* for --connector and the settings: "exchange-frontend" */
  const char *title;             /* N_(): for the picker */
  const char *description;       /* N_(): one line */
  const char *greeting;          /* after "220 "; "%s" is the host name */
  const char *ehlo_hello;        /* the first EHLO line after "250-"; %s host, %s client name */
  const char *keywords;          /* "\n"-separated EHLO keywords besides STARTTLS and AUTH */
  const char *auth;              /* mechanisms offered inside TLS (or without STARTTLS) */
  const char *auth_no_tls;       /* offered in clear when basic auth is kept for TLS */
  gboolean    starttls;
  gboolean    require_tls_for_auth;
  gboolean    require_tls;       /* MAIL before STARTTLS refused */
  gboolean    require_auth;
  gboolean    auth_check_at_rcpt; /* Postfix refuses unauthenticated clients at RCPT */
  gboolean    relay_open;        /* unauthenticated relay to any domain */
  gboolean    accept_any_auth;
  guint       tls_min_version;
  /* the product's replies ("\n" between lines) */
  const char *reply_auth_required;
  const char *reply_tls_required;
  const char *reply_auth_failed;
  const char *reply_auth_unknown;  /* a mechanism not offered now */
  const char *reply_auth_disabled; /* AUTH when nothing is offered */
  const char *reply_auth_no_tls;   /* AUTH kept for TLS, tried in clear */
  const char *reply_relay_denied;  /* "%s": the recipient */
} SdServerConnector;

/* (transfer none) NULL-terminated, the server's own behaviour first ("smtp-doctor"). */
const SdServerConnector * const *sd_server_connectors (void);
/* NULL when unknown; NULL or "" give the server's own behaviour. */
const SdServerConnector *sd_server_connector_lookup (const char *name);
/* Sets @config's policies from the connector @name. FALSE with
 * SD_SERVER_ERROR_INVALID_CONFIG (which lists the names) when unknown. */
gboolean sd_server_config_apply_connector (SdServerConfig *config,
                                           const char     *name,
                                           GError        **error);
/* Whether the connector's EHLO keywords include @keyword (DSN, SMTPUTF8…). */
gboolean sd_server_connector_offers (const SdServerConnector *connector,
                                     const char              *keyword);

G_END_DECLS

/* sd-server-json.c: one finished server session as a JSON line (`serve --json`)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sd-json-private.h"
#include "sd-server.h"

/* {versions[], ciphers[], signature_algorithms[], sni} or null. */
static json_t *
client_hello_json (const SdTlsClientHello *hello)
{
  json_t *object;

  if (hello == NULL)
    return json_null ();
  object = json_pack ("{s:o, s:o, s:o, s:o, s:b}",
                      "versions", _sd_json_strings (hello->versions),
                      "ciphers", _sd_json_strings (hello->ciphers),
                      "signature_algorithms", _sd_json_strings (hello->signature_algorithms),
                      "sni", _sd_json_text (hello->sni),
                      "only_weak_ciphers", hello->only_weak_ciphers);
  g_assert (object != NULL);
  return object;
}

char *
sd_server_session_to_json (const SdServerSession *session)
{
  json_t *root = json_pack ("{s:i, s:o, s:o, s:b, s:b, s:o, s:b, s:o, s:o, s:b, s:o, s:i, s:o, s:o, s:o}",
                            "session", (int) session->id,
                            "peer", _sd_json_text (session->peer),
                            "ehlo", _sd_json_text (session->ehlo_name),
                            "starttls", session->starttls_used,
                            "tls", session->tls,
                            "tls_version", _sd_json_text (session->tls_version),
                            "authenticated", session->authenticated,
                            "auth_mechanism", _sd_json_text (session->auth_mechanism),
                            "auth_user", _sd_json_text (session->auth_user),
                            "quit", session->client_quit,
                            "end", _sd_json_text (session->end_reason),
                            "messages", (int) session->messages,
                            "mail_from", _sd_json_strings (session->mail_from),
                            "hints", _sd_json_hints (session->hints),
                            "transcript", _sd_json_events (session->events));

  g_assert (root != NULL);
  json_object_set_new (root, "client_hello", client_hello_json (session->client_hello));
  return _sd_json_dump (root, TRUE);
}

char *
sd_server_listening_to_json (SdServer   *server,
                             const char *address)
{
  json_t *root = json_pack ("{s:{s:s, s:i, s:i, s:o, s:o}}", "listening",
                            "address", address,
                            "port", (int) sd_server_get_port (server),
                            "tls_port", (int) sd_server_get_tls_port (server),
                            "cert_path", _sd_json_text (sd_server_get_cert_path (server)),
                            "cert_sha256", _sd_json_text (sd_server_get_cert_sha256 (server)));

  g_assert (root != NULL);
  return _sd_json_dump (root, TRUE);
}

/* sd-server-gssapi.c: the built-in server's AUTH GSSAPI (RFC 4752), accepting Kerberos
 * tickets for any key in a keytab (MIT krb5 builds)
 *
 * The server's half of what sd-auth-gssapi.c does: tokens until the context is up, then
 * a wrapped offer of no security layer (TLS protects the session), and the client's
 * wrapped choice. The client's principal becomes the authenticated user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-server-private.h"

#ifdef HAVE_GSSAPI

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>

#include "sd-gss.h"

gboolean
sd_server_gssapi_available (void)
{
  return TRUE;
}

gboolean
_sd_server_gssapi_offered (Session *s)
{
  return s->cfg->gssapi_keytab != NULL;
}

typedef struct {
  gss_cred_id_t cred;
  gss_ctx_id_t  context;
  gss_name_t    client;
} Acceptor;

static void
acceptor_clear (Acceptor *a)
{
  OM_uint32 minor;

  if (a->context != GSS_C_NO_CONTEXT)
    gss_delete_sec_context (&minor, &a->context, GSS_C_NO_BUFFER);
  if (a->cred != GSS_C_NO_CREDENTIAL)
    gss_release_cred (&minor, &a->cred);
  if (a->client != GSS_C_NO_NAME)
    gss_release_name (&minor, &a->client);
}

/* The reason goes to the server's transcript; the client only gets 535. */
static AuthOutcome
gss_refuse (Session    *s,
            const char *what,
            OM_uint32   major,
            OM_uint32   minor)
{
  g_autofree char *text = _sd_gss_status_text (major, minor);

  /* Translators: the step (accepting the ticket…), then the Kerberos library's words. */
  _sd_server_emitf (s, SD_DIRECTION_INFO, _("GSSAPI: %s failed: %s"), what, text);
  return AUTH_BAD;
}

static void
show_token (Session *s,
            GBytes  *token)
{
  g_autofree char *line = g_strdup_printf (_("[Kerberos token, %u bytes]"),
                                           (guint) g_bytes_get_size (token));
  _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, line);
}

/* Tokens until the context is up; the last answer of ours may need an empty reply. */
static AuthOutcome
gss_establish (Session   *s,
               Acceptor  *a,
               GBytes   **token)
{
  for (guint round = 0; round < 8; round++)
    {
      gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
      OM_uint32 major, minor;
      g_autoptr(GBytes) reply = NULL;
      AuthOutcome outcome;
      gsize len;

      in.value = (void *) g_bytes_get_data (*token, &len);
      in.length = len;
      major = gss_accept_sec_context (&minor, &a->context, a->cred, &in,
                                      GSS_C_NO_CHANNEL_BINDINGS, &a->client, NULL, &out,
                                      NULL, NULL, NULL);
      if (GSS_ERROR (major))
        {
          OM_uint32 ignored;

          gss_release_buffer (&ignored, &out);
          return gss_refuse (s, _("accepting the ticket"), major, minor);
        }
      reply = g_bytes_new (out.value, out.length);
      gss_release_buffer (&minor, &out);
      if (major == GSS_S_COMPLETE && g_bytes_get_size (reply) == 0)
        return AUTH_OK;
      g_clear_pointer (token, g_bytes_unref);
      outcome = _sd_server_auth_exchange (s, reply, token);
      if (outcome != AUTH_OK)
        return outcome;
      if (major == GSS_S_COMPLETE)
        {
          /* RFC 4752 3.1: after the last token the client answers empty. */
          _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE,
                           g_bytes_get_size (*token) == 0 ? _("[empty response]")
                                                          : _("[unexpected data after the last token]"));
          return AUTH_OK;
        }
      show_token (s, *token);
    }
  return AUTH_BAD;
}

/* Offers no security layer only, and checks the client chose it. */
static AuthOutcome
gss_negotiate_layer (Session  *s,
                     Acceptor *a)
{
  static const guint8 offer[4] = { 1, 0, 0, 0 };
  gss_buffer_desc in = { sizeof offer, (void *) offer }, out = GSS_C_EMPTY_BUFFER;
  gss_buffer_desc answer_in, answer_out = GSS_C_EMPTY_BUFFER;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) answer = NULL;
  OM_uint32 major, minor;
  AuthOutcome outcome;
  const guint8 *data;
  gsize len;

  major = gss_wrap (&minor, a->context, 0, GSS_C_QOP_DEFAULT, &in, NULL, &out);
  if (GSS_ERROR (major))
    return gss_refuse (s, _("wrapping the security-layer offer"), major, minor);
  wrapped = g_bytes_new (out.value, out.length);
  gss_release_buffer (&minor, &out);
  outcome = _sd_server_auth_exchange (s, wrapped, &answer);
  if (outcome != AUTH_OK)
    return outcome;

  answer_in.value = (void *) g_bytes_get_data (answer, &len);
  answer_in.length = len;
  major = gss_unwrap (&minor, a->context, &answer_in, &answer_out, NULL, NULL);
  if (GSS_ERROR (major))
    return gss_refuse (s, _("reading the security-layer choice"), major, minor);
  data = answer_out.value;
  len = answer_out.length;
  {
    gboolean ok = len >= 4 && data[0] == 1 && (data[1] | data[2] | data[3]) == 0;
    g_autofree char *authzid = len > 4 ? g_utf8_make_valid ((const char *) data + 4, MIN (len - 4, 256)) : NULL;

    gss_release_buffer (&minor, &answer_out);
    if (!ok)
      {
        _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE,
                         _("[security-layer choice: not \"none\", refused]"));
        return AUTH_BAD;
      }
    _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, _("[security-layer choice: none]"));
    if (authzid != NULL && g_strcmp0 (authzid, s->info->auth_user) != 0)
      {
        /* Translators: %s is the authorization identity the client asked for. */
        _sd_server_emitf (s, SD_DIRECTION_INFO, _("GSSAPI: acting as \"%s\" is not allowed"),
                          authzid);
        return AUTH_BAD;
      }
  }
  return AUTH_OK;
}

AuthOutcome
_sd_server_auth_gssapi (Session    *s,
                        const char *initial)
{
  Acceptor a = { GSS_C_NO_CREDENTIAL, GSS_C_NO_CONTEXT, GSS_C_NO_NAME };
  gss_key_value_element_desc element = { "keytab", s->cfg->gssapi_keytab };
  gss_key_value_set_desc store = { 1, &element };
  g_autoptr(GBytes) token = NULL;
  OM_uint32 major, minor;
  AuthOutcome outcome;

  if (initial != NULL)
    {
      token = _sd_server_auth_decode (initial, TRUE);
      _sd_server_emit (s, SD_DIRECTION_RECEIVED, TRUE, _("AUTH GSSAPI [Kerberos token hidden]"));
      if (token == NULL)
        {
          _sd_server_reply (s, "501 5.5.2 Cannot decode response");
          return AUTH_ANSWERED;
        }
    }
  else
    {
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

      _sd_server_emit (s, SD_DIRECTION_RECEIVED, FALSE, "AUTH GSSAPI");
      outcome = _sd_server_auth_exchange (s, empty, &token);
      if (outcome != AUTH_OK)
        return outcome;
      show_token (s, token);
    }

  /* Any key in the keytab: the client's SPN picks which. */
  major = gss_acquire_cred_from (&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, GSS_C_NO_OID_SET,
                                 GSS_C_ACCEPT, &store, &a.cred, NULL, NULL);
  if (GSS_ERROR (major))
    outcome = gss_refuse (s, _("reading the keytab"), major, minor);
  else
    outcome = gss_establish (s, &a, &token);
  if (outcome == AUTH_OK)
    {
      g_free (s->info->auth_user);
      {
        gss_buffer_desc name = GSS_C_EMPTY_BUFFER;
        gss_display_name (&minor, a.client, &name, NULL);
        s->info->auth_user = g_strndup (name.value, name.length);
        gss_release_buffer (&minor, &name);
      }
      outcome = gss_negotiate_layer (s, &a);
    }
  acceptor_clear (&a);
  return outcome;
}

#else /* !HAVE_GSSAPI */

gboolean
sd_server_gssapi_available (void)
{
  return FALSE;
}

gboolean
_sd_server_gssapi_offered (Session *s)
{
  return FALSE;
}

AuthOutcome
_sd_server_auth_gssapi (Session    *s,
                        const char *initial)
{
  _sd_server_reply (s, "504 5.5.4 Unrecognized authentication type");
  return AUTH_ANSWERED;
}

#endif /* HAVE_GSSAPI */

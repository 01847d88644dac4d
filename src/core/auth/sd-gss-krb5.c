/* sd-gss-krb5.c: the Kerberos context through MIT krb5's GSS-API (Linux)
 *
 * The service principal is the host-based name "smtp@host" (RFC 4752 3, the "smtp"
 * service of RFC 4954); krb5.conf decides whether the host name is canonicalized first.
 * Each GSS failure becomes words an admin can act on, and a hints fact.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

#include "sd-auth.h"
#include "sd-gss.h"

struct _SdGss {
  gss_cred_id_t  cred;
  gss_name_t     target;
  gss_ctx_id_t   context;
  char          *target_shown;
  char          *client;
};

/* The minor (Kerberos) code's words when there is one: they name the principal, the
 * cache, the realm; the major code's ("No credentials were supplied") add nothing. */
char *
_sd_gss_status_text (guint32 major,
                     guint32 minor)
{
  GString *text = g_string_new (NULL);
  OM_uint32 code = minor != 0 ? minor : major;
  int type = minor != 0 ? GSS_C_MECH_CODE : GSS_C_GSS_CODE;
  OM_uint32 context = 0;

  do
    {
      OM_uint32 ignored;
      gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;

      if (GSS_ERROR (gss_display_status (&ignored, code, type, GSS_C_NO_OID, &context, &buf)))
        break;
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append_len (text, buf.value, buf.length);
      gss_release_buffer (&ignored, &buf);
    }
  while (context != 0);
  if (text->len == 0)
    g_string_append_printf (text, "0x%08x/%u", major, minor);
  return g_string_free (text, FALSE);
}

/* The hints fact for a status: the minor (Kerberos) code says the most. */
static const char *
sd_gss_fact (OM_uint32 major,
             OM_uint32 minor)
{
  switch ((krb5_error_code) minor)
    {
    case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return SD_GSS_FACT_SPN_UNKNOWN;
    case KRB5KRB_AP_ERR_SKEW:
      return SD_GSS_FACT_CLOCK_SKEW;
    case KRB5_FCC_NOFILE:
    case KRB5_CC_NOTFOUND:
    case KRB5_CC_END:
      return SD_GSS_FACT_NO_CREDENTIALS;
    case KRB5_REALM_UNKNOWN:
    case KRB5_REALM_CANT_RESOLVE:
    case KRB5_KDC_UNREACH:
    case KRB5_CONFIG_NODEFREALM:
    case KRB5KDC_ERR_WRONG_REALM:
      return SD_GSS_FACT_REALM_UNKNOWN;
    case KRB5KDC_ERR_PREAUTH_FAILED:
    case KRB5KRB_AP_ERR_BAD_INTEGRITY:
      return SD_GSS_FACT_BAD_PASSWORD;
    case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return SD_GSS_FACT_USER_UNKNOWN;
    case KRB5KRB_AP_ERR_TKT_EXPIRED:
    case KRB5KDC_ERR_KEY_EXP:
      return SD_GSS_FACT_EXPIRED;
    default:
      break;
    }
  if (GSS_ERROR (major) == GSS_S_CREDENTIALS_EXPIRED)
    return SD_GSS_FACT_EXPIRED;
  if (GSS_ERROR (major) == GSS_S_NO_CRED)
    return SD_GSS_FACT_NO_CREDENTIALS;
  return SD_GSS_FACT_OTHER;
}

static void
sd_gss_set_error (GError      **error,
                  const char  **fact,
                  const char   *what,
                  OM_uint32     major,
                  OM_uint32     minor)
{
  g_autofree char *text = _sd_gss_status_text (major, minor);

  *fact = sd_gss_fact (major, minor);
  _sd_gss_set_error (error, what, *fact, text);
}

static char *
sd_gss_name_text (gss_name_t name)
{
  OM_uint32 minor;
  gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
  char *text;

  if (GSS_ERROR (gss_display_name (&minor, name, &buf, NULL)))
    return g_strdup ("?");
  text = g_strndup (buf.value, buf.length);
  gss_release_buffer (&minor, &buf);
  return text;
}

static gboolean
sd_gss_import (const char  *text,
               gss_OID      type,
               gss_name_t  *name,
               const char **fact,
               GError     **error)
{
  OM_uint32 major, minor;
  gss_buffer_desc buf = { strlen (text), (void *) text };

  major = gss_import_name (&minor, &buf, type, name);
  if (!GSS_ERROR (major))
    return TRUE;
  sd_gss_set_error (error, fact, _("Reading the name"), major, minor);
  return FALSE;
}

/* Who the credentials are for and how long they last: the transcript's proof. */
static void
sd_gss_note_cred (SdGss         *self,
                  gboolean       from_password,
                  GPtrArray     *notes)
{
  OM_uint32 minor, lifetime = 0;
  gss_name_t name = GSS_C_NO_NAME;

  if (GSS_ERROR (gss_inquire_cred (&minor, self->cred, &name, &lifetime, NULL, NULL)))
    return;
  g_free (self->client);
  self->client = sd_gss_name_text (name);
  gss_release_name (&minor, &name);
  _sd_gss_note_client (notes, self->client, from_password, lifetime);
}

static gboolean
sd_gss_acquire (SdGss       *self,
                const char  *user,
                const char  *password,
                GPtrArray   *notes,
                const char **fact,
                GError     **error)
{
  gss_name_t name = GSS_C_NO_NAME;
  OM_uint32 major, minor, ignored;
  gss_OID_set_desc mechs = { 1, (gss_OID) gss_mech_krb5 };

  if (user != NULL && *user != '\0' &&
      !sd_gss_import (user, (gss_OID) GSS_KRB5_NT_PRINCIPAL_NAME, &name, fact, error))
    return FALSE;

  if (password != NULL)
    {
#ifdef HAVE_GSS_ACQUIRE_CRED_WITH_PASSWORD
      gss_buffer_desc secret = { strlen (password), (void *) password };

      major = gss_acquire_cred_with_password (&minor, name, &secret, GSS_C_INDEFINITE,
                                              &mechs, GSS_C_INITIATE, &self->cred, NULL, NULL);
#else
      major = GSS_S_UNAVAILABLE;
      minor = 0;
#endif
    }
  else
    major = gss_acquire_cred (&minor, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                              &self->cred, NULL, NULL);
  gss_release_name (&ignored, &name);
  if (GSS_ERROR (major))
    {
      sd_gss_set_error (error, fact, password != NULL ? _("Getting a ticket with the password")
                                                      : _("Finding a Kerberos ticket"),
                        major, minor);
      return FALSE;
    }
  sd_gss_note_cred (self, password != NULL, notes);
  return TRUE;
}

SdGss *
sd_gss_new (const char   *user,
            const char   *password,
            const char   *host,
            GPtrArray    *notes,
            const char  **fact,
            GError      **error)
{
  g_autoptr(SdGss) self = g_new0 (SdGss, 1);

  self->cred = GSS_C_NO_CREDENTIAL;
  self->context = GSS_C_NO_CONTEXT;
  self->target = GSS_C_NO_NAME;
  self->target_shown = g_strdup_printf ("smtp@%s", host);
  g_ptr_array_add (notes, g_strdup_printf (_("Kerberos: service principal asked for: %s"),
                                           self->target_shown));
  if (!sd_gss_import (self->target_shown, GSS_C_NT_HOSTBASED_SERVICE, &self->target, fact, error))
    return NULL;
  if (!sd_gss_acquire (self, user, password, notes, fact, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* The service ticket the KDC gave, once the context is up: the name after any
 * canonicalization (a CNAME followed) is what the server must hold a key for. */
static void
sd_gss_note_context (SdGss     *self,
                     OM_uint32  flags,
                     GPtrArray *notes)
{
  OM_uint32 minor, lifetime = 0;
  gss_name_t target = GSS_C_NO_NAME;
  g_autofree char *name = NULL;

  if (GSS_ERROR (gss_inquire_context (&minor, self->context, NULL, &target, &lifetime,
                                      NULL, NULL, NULL, NULL)))
    return;
  name = sd_gss_name_text (target);
  gss_release_name (&minor, &target);
  _sd_gss_note_context (notes, name, lifetime, (flags & GSS_C_MUTUAL_FLAG) != 0);
}

GBytes *
sd_gss_step (SdGss        *self,
             GBytes       *input,
             gboolean     *complete,
             GPtrArray    *notes,
             const char  **fact,
             GError      **error)
{
  gss_buffer_desc in = GSS_C_EMPTY_BUFFER;
  gss_buffer_desc out = GSS_C_EMPTY_BUFFER;
  OM_uint32 major, minor, flags = 0;
  GBytes *token;
  gsize len = 0;

  if (input != NULL)
    {
      in.value = (void *) g_bytes_get_data (input, &len);
      in.length = len;
    }
  major = gss_init_sec_context (&minor, self->cred, &self->context, self->target,
                                (gss_OID) gss_mech_krb5,
                                GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_INTEG_FLAG,
                                0, GSS_C_NO_CHANNEL_BINDINGS, input != NULL ? &in : GSS_C_NO_BUFFER,
                                NULL, &out, &flags, NULL);
  if (GSS_ERROR (major))
    {
      OM_uint32 ignored;

      gss_release_buffer (&ignored, &out);
      sd_gss_set_error (error, fact, input == NULL ? _("Getting a service ticket")
                                                   : _("Checking the server's answer"),
                        major, minor);
      return NULL;
    }
  *complete = major == GSS_S_COMPLETE;
  token = g_bytes_new (out.value, out.length);
  gss_release_buffer (&minor, &out);
  if (*complete)
    sd_gss_note_context (self, flags, notes);
  return token;
}

static GBytes *
sd_gss_wrap_or_unwrap (SdGss    *self,
                       GBytes   *message,
                       gboolean  wrap,
                       GError  **error)
{
  gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
  OM_uint32 major, minor;
  const char *ignored;
  int conf = 0;
  gsize len;
  GBytes *result;

  in.value = (void *) g_bytes_get_data (message, &len);
  in.length = len;
  if (wrap)
    major = gss_wrap (&minor, self->context, 0, GSS_C_QOP_DEFAULT, &in, &conf, &out);
  else
    major = gss_unwrap (&minor, self->context, &in, &out, &conf, NULL);
  if (GSS_ERROR (major))
    {
      sd_gss_set_error (error, &ignored, wrap ? _("Protecting the answer")
                                              : _("Reading the server's security-layer offer"),
                        major, minor);
      return NULL;
    }
  result = g_bytes_new (out.value, out.length);
  gss_release_buffer (&minor, &out);
  return result;
}

GBytes *
sd_gss_unwrap (SdGss   *self,
               GBytes  *message,
               GError **error)
{
  return sd_gss_wrap_or_unwrap (self, message, FALSE, error);
}

GBytes *
sd_gss_wrap (SdGss   *self,
             GBytes  *message,
             GError **error)
{
  return sd_gss_wrap_or_unwrap (self, message, TRUE, error);
}

const char *
sd_gss_get_client (SdGss *self)
{
  return self->client;
}

void
sd_gss_free (SdGss *self)
{
  OM_uint32 minor;

  if (self == NULL)
    return;
  if (self->context != GSS_C_NO_CONTEXT)
    gss_delete_sec_context (&minor, &self->context, GSS_C_NO_BUFFER);
  if (self->cred != GSS_C_NO_CREDENTIAL)
    gss_release_cred (&minor, &self->cred);
  if (self->target != GSS_C_NO_NAME)
    gss_release_name (&minor, &self->target);
  g_free (self->target_shown);
  g_free (self->client);
  g_free (self);
}

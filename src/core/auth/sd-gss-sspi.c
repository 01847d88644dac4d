/* sd-gss-sspi.c: the Kerberos context through Windows SSPI (secur32)
 *
 * The "Kerberos" package, not "Negotiate": SASL GSSAPI carries raw Kerberos tokens, and
 * Negotiate would wrap them in SPNEGO or fall back to NTLM. The service principal is
 * SMTPSVC/host, the name Exchange registers and System.Net.Mail asks for. Without a
 * password the logged-on user's sign-in is used ("use my Windows sign-in").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#define SECURITY_WIN32
#include <windows.h>
#include <security.h>
#include <sspi.h>

#include "sd-auth.h"
#include "sd-gss.h"
#include "sd-secret.h"

#ifndef KERB_WRAP_NO_ENCRYPT
#define KERB_WRAP_NO_ENCRYPT 0x80000001
#endif

struct _SdGss {
  CredHandle  cred;
  gboolean    have_cred;
  CtxtHandle  context;
  gboolean    have_context;
  gunichar2  *target;
  char       *target_shown;
  char       *client;
};

/* The hints fact for an SSPI status. */
static const char *
sd_gss_fact (SECURITY_STATUS status)
{
  switch (status)
    {
    case SEC_E_TARGET_UNKNOWN:
      return SD_GSS_FACT_SPN_UNKNOWN;
    case SEC_E_TIME_SKEW:
      return SD_GSS_FACT_CLOCK_SKEW;
    case SEC_E_NO_CREDENTIALS:
      return SD_GSS_FACT_NO_CREDENTIALS;
    case SEC_E_NO_AUTHENTICATING_AUTHORITY:
      return SD_GSS_FACT_REALM_UNKNOWN;
    case SEC_E_LOGON_DENIED:
      return SD_GSS_FACT_BAD_PASSWORD;
    case SEC_E_CONTEXT_EXPIRED:
      return SD_GSS_FACT_EXPIRED;
    default:
      return SD_GSS_FACT_OTHER;
    }
}

static void
sd_gss_set_error (GError          **error,
                  const char      **fact,
                  const char       *what,
                  SECURITY_STATUS   status)
{
  g_autofree char *message = g_win32_error_message ((gint) status);
  /* The code too: Windows has no words for some of them (and wine for fewer). */
  g_autofree char *text = g_strdup_printf ("%s%s0x%08lX", message, *message ? " " : "",
                                           (unsigned long) status);

  *fact = sd_gss_fact (status);
  _sd_gss_set_error (error, what, *fact, text);
}

/* Seconds from now until @expiry (a FILETIME in 100 ns units). */
static guint32
sd_gss_seconds_left (const TimeStamp *expiry)
{
  FILETIME now;
  ULARGE_INTEGER n;
  gint64 end = ((gint64) expiry->HighPart << 32) | expiry->LowPart;

  GetSystemTimeAsFileTime (&now);
  n.LowPart = now.dwLowDateTime;
  n.HighPart = now.dwHighDateTime;
  if (end == G_MAXINT64)
    return G_MAXUINT32;
  if (end <= (gint64) n.QuadPart)
    return 0;
  return (guint32) MIN ((end - (gint64) n.QuadPart) / 10000000, G_MAXUINT32 - 1);
}

static void
sd_gss_note_cred (SdGss           *self,
                  gboolean         from_password,
                  const TimeStamp *expiry,
                  GPtrArray       *notes)
{
  SecPkgCredentials_NamesW names = { 0 };

  if (QueryCredentialsAttributesW (&self->cred, SECPKG_CRED_ATTR_NAMES, &names) == SEC_E_OK)
    {
      g_free (self->client);
      self->client = g_utf16_to_utf8 ((const gunichar2 *) names.sUserName, -1, NULL, NULL, NULL);
      FreeContextBuffer (names.sUserName);
    }
  _sd_gss_note_client (notes, self->client, from_password, sd_gss_seconds_left (expiry));
}

/* The logged-on user's sign-in, or @user (DOMAIN\user or user@REALM) with @password. */
static gboolean
sd_gss_acquire (SdGss       *self,
                const char  *user,
                const char  *password,
                GPtrArray   *notes,
                const char **fact,
                GError     **error)
{
  SEC_WINNT_AUTH_IDENTITY_W identity = { 0 };
  g_autofree gunichar2 *wuser = NULL;
  g_autofree gunichar2 *wdomain = NULL;
  gunichar2 *wpassword = NULL;
  glong user_len = 0, domain_len = 0, password_len = 0;
  const char *slash = user != NULL ? strchr (user, '\\') : NULL;
  SECURITY_STATUS status;
  TimeStamp expiry;

  if (password != NULL && user != NULL)
    {
      if (slash != NULL)
        {
          wdomain = g_utf8_to_utf16 (user, slash - user, NULL, &domain_len, NULL);
          wuser = g_utf8_to_utf16 (slash + 1, -1, NULL, &user_len, NULL);
        }
      else
        wuser = g_utf8_to_utf16 (user, -1, NULL, &user_len, NULL);
      wpassword = g_utf8_to_utf16 (password, -1, NULL, &password_len, NULL);
      identity.User = (unsigned short *) wuser;
      identity.UserLength = user_len;
      identity.Domain = (unsigned short *) wdomain;
      identity.DomainLength = domain_len;
      identity.Password = (unsigned short *) wpassword;
      identity.PasswordLength = password_len;
      identity.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
    }
  status = AcquireCredentialsHandleW (NULL, (LPWSTR) L"Kerberos", SECPKG_CRED_OUTBOUND, NULL,
                                      password != NULL ? &identity : NULL, NULL, NULL,
                                      &self->cred, &expiry);
  if (wpassword != NULL)
    {
      SecureZeroMemory (wpassword, password_len * sizeof (gunichar2));
      g_free (wpassword);
    }
  if (status != SEC_E_OK)
    {
      sd_gss_set_error (error, fact, password != NULL ? _("Getting a ticket with the password")
                                                      : _("Finding a Kerberos ticket"),
                        status);
      return FALSE;
    }
  self->have_cred = TRUE;
  sd_gss_note_cred (self, password != NULL, &expiry, notes);
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

  self->target_shown = g_strdup_printf ("SMTPSVC/%s", host);
  self->target = g_utf8_to_utf16 (self->target_shown, -1, NULL, NULL, NULL);
  g_ptr_array_add (notes, g_strdup_printf (_("Kerberos: service principal asked for: %s"),
                                           self->target_shown));
  if (self->target == NULL)
    {
      *fact = SD_GSS_FACT_OTHER;
      g_set_error_literal (error, SD_AUTH_ERROR, SD_AUTH_ERROR_GSS,
                           _("The host name is not valid UTF-8"));
      return NULL;
    }
  if (!sd_gss_acquire (self, user, password, notes, fact, error))
    return NULL;
  return g_steal_pointer (&self);
}

GBytes *
sd_gss_step (SdGss        *self,
             GBytes       *input,
             gboolean     *complete,
             GPtrArray    *notes,
             const char  **fact,
             GError      **error)
{
  SecBuffer in_buf = { 0, SECBUFFER_TOKEN, NULL };
  SecBuffer out_buf = { 0, SECBUFFER_TOKEN, NULL };
  SecBufferDesc in_desc = { SECBUFFER_VERSION, 1, &in_buf };
  SecBufferDesc out_desc = { SECBUFFER_VERSION, 1, &out_buf };
  g_autofree guint8 *copy = NULL;
  SECURITY_STATUS status;
  unsigned long attrs = 0;
  TimeStamp expiry;
  GBytes *token;
  gsize len = 0;

  if (input != NULL)
    {
      const guint8 *data = g_bytes_get_data (input, &len);
      copy = g_memdup2 (data, len);
      in_buf.pvBuffer = copy;
      in_buf.cbBuffer = (unsigned long) len;
    }
  status = InitializeSecurityContextW (&self->cred, self->have_context ? &self->context : NULL,
                                       (SEC_WCHAR *) self->target,
                                       ISC_REQ_MUTUAL_AUTH | ISC_REQ_SEQUENCE_DETECT |
                                       ISC_REQ_INTEGRITY | ISC_REQ_ALLOCATE_MEMORY,
                                       0, SECURITY_NATIVE_DREP, input != NULL ? &in_desc : NULL,
                                       0, &self->context, &out_desc, &attrs, &expiry);
  if (status != SEC_E_OK && status != SEC_I_CONTINUE_NEEDED)
    {
      if (out_buf.pvBuffer != NULL)
        FreeContextBuffer (out_buf.pvBuffer);
      sd_gss_set_error (error, fact, input == NULL ? _("Getting a service ticket")
                                                   : _("Checking the server's answer"),
                        status);
      return NULL;
    }
  self->have_context = TRUE;
  *complete = status == SEC_E_OK;
  token = g_bytes_new (out_buf.pvBuffer, out_buf.cbBuffer);
  if (out_buf.pvBuffer != NULL)
    FreeContextBuffer (out_buf.pvBuffer);
  if (*complete)
    _sd_gss_note_context (notes, self->target_shown, sd_gss_seconds_left (&expiry),
                          (attrs & ISC_RET_MUTUAL_AUTH) != 0);
  return token;
}

GBytes *
sd_gss_unwrap (SdGss   *self,
               GBytes  *message,
               GError **error)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (message, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  SecBuffer bufs[2] = {
    { (unsigned long) len, SECBUFFER_STREAM, copy },
    { 0, SECBUFFER_DATA, NULL },
  };
  SecBufferDesc desc = { SECBUFFER_VERSION, 2, bufs };
  const char *ignored;
  unsigned long qop = 0;
  SECURITY_STATUS status;

  status = DecryptMessage (&self->context, &desc, 0, &qop);
  if (status != SEC_E_OK)
    {
      sd_gss_set_error (error, &ignored, _("Reading the server's security-layer offer"), status);
      return NULL;
    }
  /* The data buffer points into @copy. */
  return g_bytes_new (bufs[1].pvBuffer, bufs[1].cbBuffer);
}

GBytes *
sd_gss_wrap (SdGss   *self,
             GBytes  *message,
             GError **error)
{
  SecPkgContext_Sizes sizes = { 0 };
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (message, &len);
  g_autofree guint8 *trailer = NULL;
  g_autofree guint8 *body = g_memdup2 (data, len);
  g_autofree guint8 *padding = NULL;
  const char *ignored;
  SECURITY_STATUS status;
  GByteArray *out;

  status = QueryContextAttributesW (&self->context, SECPKG_ATTR_SIZES, &sizes);
  if (status == SEC_E_OK)
    {
      SecBuffer bufs[3] = {
        { sizes.cbSecurityTrailer, SECBUFFER_TOKEN, NULL },
        { (unsigned long) len, SECBUFFER_DATA, body },
        { sizes.cbBlockSize, SECBUFFER_PADDING, NULL },
      };
      SecBufferDesc desc = { SECBUFFER_VERSION, 3, bufs };

      trailer = g_malloc0 (MAX (sizes.cbSecurityTrailer, 1));
      padding = g_malloc0 (MAX (sizes.cbBlockSize, 1));
      bufs[0].pvBuffer = trailer;
      bufs[2].pvBuffer = padding;
      /* Integrity only: RFC 4752's messages are signed, not encrypted. */
      status = EncryptMessage (&self->context, KERB_WRAP_NO_ENCRYPT, &desc, 0);
      if (status == SEC_E_OK)
        {
          out = g_byte_array_new ();
          for (guint i = 0; i < G_N_ELEMENTS (bufs); i++)
            g_byte_array_append (out, bufs[i].pvBuffer, bufs[i].cbBuffer);
          return g_byte_array_free_to_bytes (out);
        }
    }
  sd_gss_set_error (error, &ignored, _("Protecting the answer"), status);
  return NULL;
}

const char *
sd_gss_get_client (SdGss *self)
{
  return self->client;
}

void
sd_gss_free (SdGss *self)
{
  if (self == NULL)
    return;
  if (self->have_context)
    DeleteSecurityContext (&self->context);
  if (self->have_cred)
    FreeCredentialsHandle (&self->cred);
  g_free (self->target);
  g_free (self->target_shown);
  g_free (self->client);
  g_free (self);
}

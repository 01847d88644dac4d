/* sd-tls.c: GnuTLS over a GSocket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sd-strings-private.h"
#include "sd-tls.h"

G_DEFINE_QUARK (sd-tls-error-quark, sd_tls_error)

struct _SdTls {
  gnutls_session_t                 session;
  gnutls_certificate_credentials_t creds;
  GSocket                         *socket;
  GCancellable                    *cancellable;  /* of the call in progress */
  GError                          *io_error;     /* what push/pull last hit */
  char                            *server_name;
  gboolean                         is_server;
  gboolean                         has_trust;    /* a CA file or the system store is loaded */
  SdTlsInfo                       *info;
  GBytes                          *client_hello; /* server: the first ClientHello's body */
};

void
sd_cert_info_free (SdCertInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->subject);
  g_free (info->issuer);
  g_clear_pointer (&info->sans, g_ptr_array_unref);
  g_free (info->not_before);
  g_free (info->not_after);
  g_free (info->sha256);
  g_free (info->key_type);
  g_free (info);
}

static SdCertInfo *
sd_cert_info_copy (const SdCertInfo *info)
{
  SdCertInfo *copy = g_new0 (SdCertInfo, 1);

  copy->subject = g_strdup (info->subject);
  copy->issuer = g_strdup (info->issuer);
  copy->sans = _sd_string_array_copy (info->sans);
  copy->not_before = g_strdup (info->not_before);
  copy->not_after = g_strdup (info->not_after);
  copy->sha256 = g_strdup (info->sha256);
  copy->key_type = g_strdup (info->key_type);
  copy->key_bits = info->key_bits;
  copy->self_signed = info->self_signed;
  return copy;
}

char *
sd_tls_info_describe_verdict (const SdTlsInfo *info)
{
  if (info->verified)
    /* Translators: the certificate's verdict, as in “certificate verified”. */
    return g_strdup (_("verified"));
  /* A matching pin is a stronger check than the chain, not a failure. */
  if (info->pin_matched)
    return g_strdup (_("pinned (the SHA-256 matches)"));
  if (info->verify_error == NULL)
    return g_strdup (_("NOT verified"));
  /* Translators: %s says why the certificate is not trusted. */
  return g_strdup_printf (_("NOT verified: %s"), info->verify_error);
}

void
sd_tls_info_free (SdTlsInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->version);
  g_free (info->cipher);
  g_free (info->description);
  g_free (info->verify_error);
  g_free (info->policy);
  g_clear_pointer (&info->chain, g_ptr_array_unref);
  g_free (info);
}

SdTlsInfo *
sd_tls_info_copy (const SdTlsInfo *info)
{
  SdTlsInfo *copy = g_new0 (SdTlsInfo, 1);

  copy->version = g_strdup (info->version);
  copy->cipher = g_strdup (info->cipher);
  copy->description = g_strdup (info->description);
  copy->verified = info->verified;
  copy->pin_matched = info->pin_matched;
  copy->verify_error = g_strdup (info->verify_error);
  copy->problems = info->problems;
  copy->policy = g_strdup (info->policy);
  copy->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_cert_info_free);
  for (guint i = 0; i < info->chain->len; i++)
    g_ptr_array_add (copy->chain, sd_cert_info_copy (info->chain->pdata[i]));
  return copy;
}

/* GnuTLS moves bytes through these, so the GSocket's timeout and our cancellable apply
 * to every read and write inside the handshake and the record layer. */
static ssize_t
sd_tls_push (gnutls_transport_ptr_t ptr,
             const void            *data,
             size_t                 len)
{
  SdTls *self = ptr;
  gssize n;

  g_clear_error (&self->io_error);
  n = g_socket_send (self->socket, data, len, self->cancellable, &self->io_error);
  if (n < 0)
    {
      gnutls_transport_set_errno (self->session, EIO);
      return -1;
    }
  return n;
}

static ssize_t
sd_tls_pull (gnutls_transport_ptr_t ptr,
             void                  *data,
             size_t                 len)
{
  SdTls *self = ptr;
  gssize n;

  g_clear_error (&self->io_error);
  n = g_socket_receive (self->socket, data, len, self->cancellable, &self->io_error);
  if (n < 0)
    {
      gnutls_transport_set_errno (self->session, EIO);
      return -1;
    }
  return n;
}

/* GnuTLS asks this before reads once a handshake timeout is set; its default would
 * select() on the transport pointer as if it were a file descriptor. */
static int
sd_tls_pull_timeout (gnutls_transport_ptr_t ptr,
                     unsigned int           ms)
{
  SdTls *self = ptr;
  gint64 timeout_us = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (gint64) ms * 1000;

  g_clear_error (&self->io_error);
  if (g_socket_condition_timed_wait (self->socket, G_IO_IN, timeout_us, self->cancellable,
                                     &self->io_error))
    return 1;
  if (g_error_matches (self->io_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_clear_error (&self->io_error);
      return 0;
    }
  gnutls_transport_set_errno (self->session, EIO);
  return -1;
}

static SdTls *
sd_tls_new (GSocket  *socket,
            gboolean  is_server)
{
  SdTls *self = g_new0 (SdTls, 1);

  self->socket = g_object_ref (socket);
  self->is_server = is_server;
  return self;
}

/* The GIO error (timeout, cancelled, reset) beats GnuTLS's generic pull/push error. */
static void
sd_tls_set_error (SdTls      *self,
                  GError    **error,
                  SdTlsError  code,
                  int         ret,
                  const char *what)
{
  if (self->io_error != NULL &&
      (ret == GNUTLS_E_PUSH_ERROR || ret == GNUTLS_E_PULL_ERROR))
    {
      g_propagate_error (error, g_steal_pointer (&self->io_error));
      return;
    }

  if (ret == GNUTLS_E_PREMATURE_TERMINATION)
    code = SD_TLS_ERROR_EOF;

  if (ret == GNUTLS_E_TIMEDOUT)
    {
      /* Translators: %s is what failed, e.g. “TLS handshake failed”. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("%s: the peer was too slow"), what);
      return;
    }

  if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED || ret == GNUTLS_E_WARNING_ALERT_RECEIVED)
    {
      gnutls_alert_description_t alert = gnutls_alert_get (self->session);
      /* Translators: what failed (“TLS handshake failed”), then GnuTLS's alert name. */
      g_set_error (error, SD_TLS_ERROR, code, _("%s: the peer sent the TLS alert “%s”"),
                   what, gnutls_alert_get_name (alert));
      return;
    }

  if (ret == GNUTLS_E_UNSUPPORTED_VERSION_PACKET)
    {
      g_set_error (error, SD_TLS_ERROR, code,
                   /* Translators: %s is what failed, e.g. “TLS handshake failed”. */
                   _("%s: no common TLS version (only TLS 1.2 and 1.3 are allowed; "
                     "the server may offer only TLS 1.0 or 1.1)"), what);
      return;
    }

  if (ret == GNUTLS_E_UNEXPECTED_PACKET_LENGTH || ret == GNUTLS_E_UNEXPECTED_PACKET)
    {
      g_set_error (error, SD_TLS_ERROR, code,
                   /* Translators: what failed (“TLS handshake failed”), then GnuTLS's
                    * error. */
                   _("%s: the peer did not answer with TLS (%s); is this port plain text?"),
                   what, gnutls_strerror (ret));
      return;
    }

  g_set_error (error, SD_TLS_ERROR, code, "%s: %s", what, gnutls_strerror (ret));
}

static gboolean
sd_tls_setup_session (SdTls   *self,
                      guint    flags,
                      GError **error)
{
  int ret;

  ret = gnutls_init (&self->session, flags);
  if (ret < 0)
    goto failed;

  gnutls_transport_set_ptr (self->session, self);
  gnutls_transport_set_push_function (self->session, sd_tls_push);
  gnutls_transport_set_pull_function (self->session, sd_tls_pull);
  gnutls_transport_set_pull_timeout_function (self->session, sd_tls_pull_timeout);
  ret = gnutls_credentials_set (self->session, GNUTLS_CRD_CERTIFICATE, self->creds);
  if (ret < 0)
    goto failed;
  return TRUE;

failed:
  g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
               _("Could not set up TLS: %s"), gnutls_strerror (ret));
  return FALSE;
}

static gboolean
sd_is_address_literal (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  return address != NULL;
}

SdTls *
sd_tls_new_client (GSocket     *socket,
                   const char  *server_name,
                   const char  *ca_file,
                   GError     **error)
{
  g_autoptr(SdTls) self = sd_tls_new (socket, FALSE);
  const char *err_pos = NULL;
  int ret;

  g_return_val_if_fail (server_name != NULL, NULL);

  self->server_name = g_strdup (server_name);
  gnutls_certificate_allocate_credentials (&self->creds);
  if (ca_file != NULL)
    {
      ret = gnutls_certificate_set_x509_trust_file (self->creds, ca_file, GNUTLS_X509_FMT_PEM);
      if (ret <= 0)
        {
          g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
                       /* Translators: a file name, then why. */
                       _("No CA certificate could be read from “%s”: %s"), ca_file,
                       ret == 0 ? _("the file holds no PEM certificate") : gnutls_strerror (ret));
          return NULL;
        }
      self->has_trust = TRUE;
    }

  /* A one-shot test session never resumes, so ask for no tickets: that also spares the
   * server's post-handshake ticket write (and the delayed-ACK stall behind it). */
  if (!sd_tls_setup_session (self, GNUTLS_CLIENT | GNUTLS_NO_TICKETS, error))
    return NULL;

  /* The system's policy, minus what RFC 8996 retired. */
  ret = gnutls_set_default_priority_append (self->session,
                                            "-VERS-TLS1.1:-VERS-TLS1.0:-VERS-SSL3.0",
                                            &err_pos, 0);
  if (ret < 0)
    {
      g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
                   _("Could not set TLS priorities: %s"), gnutls_strerror (ret));
      return NULL;
    }

  if (!sd_is_address_literal (server_name))
    gnutls_server_name_set (self->session, GNUTLS_NAME_DNS, server_name, strlen (server_name));

  return g_steal_pointer (&self);
}

gboolean
sd_tls_set_priority (SdTls       *self,
                     const char  *priority,
                     GError     **error)
{
  const char *err_pos = NULL;
  int ret = gnutls_priority_set_direct (self->session, priority, &err_pos);

  if (ret < 0)
    {
      g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
                   _("Bad TLS priority string at “%s”: %s"), err_pos ? err_pos : priority,
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_tls_can_offer_version (const char  *version,
                          char       **priority)
{
  gnutls_protocol_t wanted = gnutls_protocol_get_id (version);
  g_autofree char *text = NULL;
  gnutls_priority_t cache;
  const unsigned int *list = NULL;
  gboolean found = FALSE;
  int n;

  if (wanted == GNUTLS_VERSION_UNKNOWN)
    return FALSE;
  text = g_strdup_printf ("NORMAL:-VERS-ALL:+VERS-%s", version);
  if (gnutls_priority_init2 (&cache, text, NULL, 0) < 0)
    return FALSE;
  /* The system policy (/etc/gnutls/config) takes disabled versions out of the list. */
  n = gnutls_priority_protocol_list (cache, &list);
  for (int i = 0; i < n; i++)
    found |= list[i] == (unsigned int) wanted;
  gnutls_priority_deinit (cache);
  if (found && priority != NULL)
    *priority = g_steal_pointer (&text);
  return found;
}

static int
sd_tls_on_client_hello (gnutls_session_t      session,
                        unsigned int          htype,
                        unsigned int          when,
                        unsigned int          incoming,
                        const gnutls_datum_t *msg)
{
  SdTls *self = gnutls_transport_get_ptr (session);

  if (incoming && self->client_hello == NULL && msg != NULL)
    self->client_hello = g_bytes_new (msg->data, msg->size);
  return 0;
}

SdTlsClientHello *
sd_tls_get_client_hello (SdTls *self)
{
  gsize len = 0;
  const guint8 *data;

  if (self->client_hello == NULL)
    return NULL;
  data = g_bytes_get_data (self->client_hello, &len);
  return sd_tls_client_hello_parse (data, len);
}

SdTls *
sd_tls_new_server (GSocket     *socket,
                   const char  *cert_pem,
                   const char  *key_pem,
                   const char  *priority,
                   GError     **error)
{
  g_autoptr(SdTls) self = sd_tls_new (socket, TRUE);
  gnutls_datum_t cert = { (unsigned char *) cert_pem, strlen (cert_pem) };
  gnutls_datum_t key = { (unsigned char *) key_pem, strlen (key_pem) };
  const char *err_pos = NULL;
  int ret;

  gnutls_certificate_allocate_credentials (&self->creds);
  ret = gnutls_certificate_set_x509_key_mem2 (self->creds, &cert, &key,
                                              GNUTLS_X509_FMT_PEM, NULL, 0);
  if (ret < 0)
    {
      g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
                   _("Could not load the server certificate: %s"), gnutls_strerror (ret));
      return NULL;
    }

  if (!sd_tls_setup_session (self, GNUTLS_SERVER | GNUTLS_NO_TICKETS, error))
    return NULL;
  /* Before GnuTLS decides: a refused offer is still recorded. */
  gnutls_handshake_set_hook_function (self->session, GNUTLS_HANDSHAKE_CLIENT_HELLO,
                                      GNUTLS_HOOK_PRE, sd_tls_on_client_hello);

  if (priority != NULL)
    ret = gnutls_priority_set_direct (self->session, priority, &err_pos);
  else
    ret = gnutls_set_default_priority (self->session);
  if (ret < 0)
    {
      g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_SETUP,
                   /* Translators: the rest of the priority string from where it went
                    * wrong, then GnuTLS's error. */
                   _("Bad TLS priority string at “%s”: %s"),
                   err_pos ? err_pos : "", gnutls_strerror (ret));
      return NULL;
    }

  return g_steal_pointer (&self);
}

void
sd_tls_free (SdTls *self)
{
  if (self == NULL)
    return;
  if (self->session != NULL)
    gnutls_deinit (self->session);
  if (self->creds != NULL)
    gnutls_certificate_free_credentials (self->creds);
  g_clear_object (&self->socket);
  g_clear_error (&self->io_error);
  g_free (self->server_name);
  sd_tls_info_free (self->info);
  g_clear_pointer (&self->client_hello, g_bytes_unref);
  g_free (self);
}

static char *
sd_format_time (time_t t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("?");
}

static GPtrArray *
sd_cert_dup_sans (gnutls_x509_crt_t crt)
{
  GPtrArray *sans = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 100; i++)
    {
      char buffer[1024];
      size_t size = sizeof buffer - 1;
      int type = gnutls_x509_crt_get_subject_alt_name (crt, i, buffer, &size, NULL);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type < 0)
        continue;
      buffer[size] = '\0';
      if (type == GNUTLS_SAN_DNSNAME)
        g_ptr_array_add (sans, g_strdup_printf ("DNS:%s", buffer));
      else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          g_autoptr(GInetAddress) address =
            g_inet_address_new_from_bytes ((guint8 *) buffer,
                                           size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
          g_autofree char *text = g_inet_address_to_string (address);
          g_ptr_array_add (sans, g_strdup_printf ("IP:%s", text));
        }
      else if (type == GNUTLS_SAN_RFC822NAME)
        g_ptr_array_add (sans, g_strdup_printf ("email:%s", buffer));
    }
  return sans;
}

static char *
sd_datum_take_string (gnutls_datum_t *datum)
{
  char *copy = g_strndup ((const char *) datum->data, datum->size);
  gnutls_free (datum->data);
  return copy;
}

static SdCertInfo *
sd_cert_info_new_from_der (const gnutls_datum_t *der)
{
  gnutls_x509_crt_t crt;
  SdCertInfo *info = g_new0 (SdCertInfo, 1);
  gnutls_datum_t dn = { NULL, 0 };
  guint8 digest[32];
  size_t digest_size = sizeof digest;
  unsigned int bits = 0;
  int algo;

  gnutls_x509_crt_init (&crt);
  if (gnutls_x509_crt_import (crt, der, GNUTLS_X509_FMT_DER) < 0)
    {
      info->subject = g_strdup (_("(unreadable certificate)"));
      info->sans = g_ptr_array_new_with_free_func (g_free);
      gnutls_x509_crt_deinit (crt);
      return info;
    }

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) == 0)
    info->subject = sd_datum_take_string (&dn);
  if (gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) == 0)
    info->issuer = sd_datum_take_string (&dn);
  info->sans = sd_cert_dup_sans (crt);
  info->not_before = sd_format_time (gnutls_x509_crt_get_activation_time (crt));
  info->not_after = sd_format_time (gnutls_x509_crt_get_expiration_time (crt));
  if (gnutls_fingerprint (GNUTLS_DIG_SHA256, der, digest, &digest_size) == 0)
    info->sha256 = _sd_hex_encode (digest, digest_size);
  algo = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  info->key_type = g_strdup (algo >= 0 ? gnutls_pk_get_name (algo) : "unknown");
  info->key_bits = bits;
  info->self_signed = gnutls_x509_crt_check_issuer (crt, crt) != 0;
  gnutls_x509_crt_deinit (crt);
  return info;
}

static void
sd_tls_fill_info (SdTls *self)
{
  const gnutls_datum_t *certs;
  unsigned int n_certs = 0;
  char *desc;

  sd_tls_info_free (self->info);
  self->info = g_new0 (SdTlsInfo, 1);
  self->info->version = g_strdup (gnutls_protocol_get_name (gnutls_protocol_get_version (self->session)));
  self->info->cipher = g_strdup (gnutls_ciphersuite_get (self->session));
  desc = gnutls_session_get_desc (self->session);
  self->info->description = g_strdup (desc);
  gnutls_free (desc);
  self->info->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_cert_info_free);

  certs = gnutls_certificate_get_peers (self->session, &n_certs);
  for (unsigned int i = 0; certs != NULL && i < n_certs; i++)
    g_ptr_array_add (self->info->chain, sd_cert_info_new_from_der (&certs[i]));
}

void
sd_tls_set_handshake_timeout (SdTls *self,
                              guint  timeout_s)
{
  gnutls_handshake_set_timeout (self->session, timeout_s * 1000);
}

gboolean
sd_tls_handshake (SdTls         *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  int ret;

  self->cancellable = cancellable;
  do
    ret = gnutls_handshake (self->session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  self->cancellable = NULL;

  if (ret < 0)
    {
      sd_tls_set_error (self, error, SD_TLS_ERROR_HANDSHAKE, ret, _("TLS handshake failed"));
      /* Tell the peer why (protocol_version, handshake_failure ...), as OpenSSL and Schannel
       * do: without the alert a client only sees the connection closed. */
      gnutls_alert_send_appropriate (self->session, ret);
      return FALSE;
    }

  sd_tls_fill_info (self);
  return TRUE;
}

SdTlsInfo *
sd_tls_get_info (SdTls *self)
{
  return self->info;
}

/* What can be judged without a trust store. GnuTLS may stop at the first chain problem,
 * so the leaf's dates, name and key are checked here too. */
static unsigned int
sd_tls_local_status (SdTls *self)
{
  SdCertInfo *leaf = self->info->chain->len > 0 ? self->info->chain->pdata[0] : NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gnutls_datum_t *certs;
  unsigned int n_certs = 0;
  unsigned int status = 0;

  if (leaf == NULL)
    return GNUTLS_CERT_INVALID;
  certs = gnutls_certificate_get_peers (self->session, &n_certs);
  if (n_certs > 0)
    {
      gnutls_x509_crt_t crt;
      gnutls_x509_crt_init (&crt);
      if (gnutls_x509_crt_import (crt, &certs[0], GNUTLS_X509_FMT_DER) == 0)
        {
          if (gnutls_x509_crt_get_expiration_time (crt) < now)
            status |= GNUTLS_CERT_EXPIRED | GNUTLS_CERT_INVALID;
          if (gnutls_x509_crt_get_activation_time (crt) > now)
            status |= GNUTLS_CERT_NOT_ACTIVATED | GNUTLS_CERT_INVALID;
          if (!gnutls_x509_crt_check_hostname2 (crt, self->server_name, 0))
            status |= GNUTLS_CERT_UNEXPECTED_OWNER | GNUTLS_CERT_INVALID;
          /* GnuTLS's default profile still takes 1024-bit RSA; 112-bit security is
           * today's floor (NIST SP 800-131A). */
          if ((g_str_equal (leaf->key_type, "RSA") || g_str_equal (leaf->key_type, "DSA")) &&
              leaf->key_bits < 2048)
            status |= GNUTLS_CERT_INSECURE_ALGORITHM | GNUTLS_CERT_INVALID;
        }
      gnutls_x509_crt_deinit (crt);
    }

  return status;
}

static char *
sd_tls_describe_status (SdTls        *self,
                        unsigned int  status)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);
  SdCertInfo *leaf = self->info->chain->len > 0 ? self->info->chain->pdata[0] : NULL;

  if (leaf == NULL)
    return g_strdup (_("the server sent no certificate"));

  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    {
      g_autofree char *names = NULL;
      g_ptr_array_add (leaf->sans, NULL);
      names = g_strjoinv (", ", (char **) leaf->sans->pdata);
      g_ptr_array_remove_index (leaf->sans, leaf->sans->len - 1);
      g_ptr_array_add (reasons,
                       /* Translators: the host name typed, the certificate's names
                        * (DNS:mail.example.com, …), then its subject. */
                       g_strdup_printf (_("name mismatch: you connected to “%s” but the "
                                          "certificate is for %s (subject %s)"),
                                        self->server_name,
                                        *names ? names : _("no alternative names"),
                                        leaf->subject ? leaf->subject : "?"));
    }
  if (status & GNUTLS_CERT_EXPIRED)
    /* Translators: %s is a date and time (ISO 8601). */
    g_ptr_array_add (reasons, g_strdup_printf (_("expired on %s"), leaf->not_after));
  if (status & GNUTLS_CERT_NOT_ACTIVATED)
    /* Translators: %s is a date and time (ISO 8601). */
    g_ptr_array_add (reasons, g_strdup_printf (_("not valid before %s"), leaf->not_before));
  if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
    {
      if (leaf->self_signed && self->info->chain->len == 1)
        g_ptr_array_add (reasons, g_strdup (_("self-signed: no trusted authority vouches for it")));
      else
        g_ptr_array_add (reasons,
                         /* Translators: %s is the issuer's name (CN=…). */
                         g_strdup_printf (_("unknown issuer: “%s” is not a trusted "
                                            "certificate authority (or an intermediate "
                                            "certificate is missing from the server's "
                                            "chain)"),
                                          leaf->issuer ? leaf->issuer : "?"));
    }
  if (status & GNUTLS_CERT_SIGNER_NOT_CA)
    g_ptr_array_add (reasons, g_strdup (_("the issuer is not allowed to act as a CA")));
  if ((status & GNUTLS_CERT_INSECURE_ALGORITHM) &&
      (g_str_equal (leaf->key_type, "RSA") || g_str_equal (leaf->key_type, "DSA")) &&
      leaf->key_bits < 2048)
    /* Translators: the key type (RSA), then its size in bits. */
    g_ptr_array_add (reasons, g_strdup_printf (_("its %s key has only %u bits (2048 at "
                                                 "least are needed today)"),
                                               leaf->key_type, leaf->key_bits));
  else if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
    g_ptr_array_add (reasons, g_strdup (_("signed with an insecure algorithm or too weak a key")));
  if (status & GNUTLS_CERT_REVOKED)
    /* Translators: said of a certificate. */
    g_ptr_array_add (reasons, g_strdup (_("revoked")));
  if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
    g_ptr_array_add (reasons, g_strdup (_("its signature does not verify")));
  if (reasons->len == 0 && status == 0)
    return NULL;
  if (reasons->len == 0)
    {
      gnutls_datum_t out = { NULL, 0 };
      if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) == 0)
        g_ptr_array_add (reasons, sd_datum_take_string (&out));
      else
        g_ptr_array_add (reasons, g_strdup_printf (_("verification status 0x%x"), status));
    }

  g_ptr_array_add (reasons, NULL);
  return g_strjoinv ("; ", (char **) reasons->pdata);
}

static SdCertProblems
sd_tls_problems (SdTls        *self,
                 unsigned int  status)
{
  SdCertInfo *leaf = self->info->chain->len > 0 ? self->info->chain->pdata[0] : NULL;
  SdCertProblems problems = 0;

  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    problems |= SD_CERT_PROBLEM_NAME_MISMATCH;
  if (status & GNUTLS_CERT_EXPIRED)
    problems |= SD_CERT_PROBLEM_EXPIRED;
  /* As sd_tls_describe_status() tells them apart: a lone self-signed certificate is
   * not an unknown CA. */
  if ((status & GNUTLS_CERT_SIGNER_NOT_FOUND) &&
      !(leaf != NULL && leaf->self_signed && self->info->chain->len == 1))
    problems |= SD_CERT_PROBLEM_UNKNOWN_ISSUER;
  return problems;
}

static char *
sd_normalize_pin (const char *pin)
{
  GString *hex = g_string_new (NULL);
  for (const char *p = pin; *p; p++)
    if (*p != ':')
      g_string_append_c (hex, g_ascii_tolower (*p));
  return g_string_free (hex, FALSE);
}

/* Judges the chain (and, without a trust store, at least dates and names) into
 * self->info: verified, verify_error, problems. */
static void
sd_tls_judge_chain (SdTls           *self,
                    SdTlsVerifyMode  mode)
{
  unsigned int status = 0;
  int ret;

  /* Parsing the system store costs more than the whole handshake, so it is loaded only
   * when a verdict depends on it. */
  if (!self->has_trust && mode == SD_TLS_VERIFY)
    {
      ret = gnutls_certificate_set_x509_system_trust (self->creds);
      if (ret < 0)
        g_debug ("System trust store unavailable: %s", gnutls_strerror (ret));
      self->has_trust = TRUE;
    }

  g_clear_pointer (&self->info->verify_error, g_free);
  if (self->has_trust)
    {
      ret = gnutls_certificate_verify_peers3 (self->session, self->server_name, &status);
      if (ret < 0)
        status |= GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
      status |= sd_tls_local_status (self);
      if (status != 0)
        self->info->verify_error = sd_tls_describe_status (self, status);
      self->info->problems = sd_tls_problems (self, status);
      self->info->verified = self->info->verify_error == NULL;
    }
  else
    {
      /* Dates and names are still worth telling; the chain was not judged. */
      unsigned int status_local = sd_tls_local_status (self);
      g_autofree char *problems = status_local ? sd_tls_describe_status (self, status_local) : NULL;
      self->info->verified = FALSE;
      self->info->problems = sd_tls_problems (self, status_local);
      self->info->verify_error =
        problems != NULL
        /* Translators: %s lists what else is wrong with the certificate. */
        ? g_strdup_printf (_("not checked against a trust store; %s"), problems)
        : g_strdup (_("not checked against a trust store"));
    }
}

static gboolean
sd_tls_check_pin (SdTls             *self,
                  const SdCertInfo  *leaf,
                  const char        *pin,
                  GError           **error)
{
  g_autofree char *want = sd_normalize_pin (pin ? pin : "");

  g_free (self->info->policy);
  self->info->policy = g_strdup ("pin");
  if (leaf == NULL || leaf->sha256 == NULL || g_strcmp0 (want, leaf->sha256) != 0)
    {
      g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_CERTIFICATE,
                   /* Translators: two SHA-256 fingerprints (hex). */
                   _("The server's certificate does not match the pinned fingerprint: "
                     "expected SHA-256 %s, got %s"), want,
                   leaf && leaf->sha256 ? leaf->sha256 : _("no certificate"));
      return FALSE;
    }
  self->info->pin_matched = TRUE;
  return TRUE;
}

gboolean
sd_tls_check_peer (SdTls            *self,
                   SdTlsVerifyMode   mode,
                   const char       *pin,
                   GError          **error)
{
  SdCertInfo *leaf;

  g_return_val_if_fail (self->info != NULL, FALSE);

  sd_tls_judge_chain (self, mode);
  leaf = self->info->chain->len > 0 ? self->info->chain->pdata[0] : NULL;

  switch (mode)
    {
    case SD_TLS_VERIFY:
      g_free (self->info->policy);
      self->info->policy = g_strdup ("verify");
      if (!self->info->verified)
        {
          g_set_error (error, SD_TLS_ERROR, SD_TLS_ERROR_CERTIFICATE,
                       /* Translators: why, then the certificate's fingerprint. */
                       _("The server's certificate is not trusted: %s (SHA-256 %s)"),
                       self->info->verify_error, leaf && leaf->sha256 ? leaf->sha256 : "?");
          return FALSE;
        }
      return TRUE;

    case SD_TLS_ACCEPT_ANY:
      g_free (self->info->policy);
      self->info->policy = g_strdup ("accept-any");
      return TRUE;

    case SD_TLS_PIN:
      return sd_tls_check_pin (self, leaf, pin, error);

    default:
      g_assert_not_reached ();
    }
}

gssize
sd_tls_read (SdTls         *self,
             void          *buffer,
             gsize          size,
             GCancellable  *cancellable,
             GError       **error)
{
  gssize ret;

  self->cancellable = cancellable;
  do
    ret = gnutls_record_recv (self->session, buffer, size);
  while (ret < 0 && !gnutls_error_is_fatal (ret));  /* includes a refused renegotiation */
  self->cancellable = NULL;

  if (ret < 0)
    {
      sd_tls_set_error (self, error, SD_TLS_ERROR_RECORD, ret, _("TLS read failed"));
      return -1;
    }
  return ret;
}

gboolean
sd_tls_write_all (SdTls         *self,
                  const void    *data,
                  gsize          size,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const guint8 *p = data;

  self->cancellable = cancellable;
  while (size > 0)
    {
      gssize ret = gnutls_record_send (self->session, p, size);
      if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
        continue;
      if (ret < 0)
        {
          self->cancellable = NULL;
          sd_tls_set_error (self, error, SD_TLS_ERROR_RECORD, ret, _("TLS write failed"));
          return FALSE;
        }
      p += ret;
      size -= ret;
    }
  self->cancellable = NULL;
  return TRUE;
}

gsize
sd_tls_get_pending (SdTls *self)
{
  return gnutls_record_check_pending (self->session);
}

void
sd_tls_close (SdTls        *self,
              GCancellable *cancellable)
{
  self->cancellable = cancellable;
  gnutls_bye (self->session, GNUTLS_SHUT_WR);
  self->cancellable = NULL;
}

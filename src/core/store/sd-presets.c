/* sd-presets.c
 *
 * Host names and ports from each provider's own documentation; the notes say what
 * usually stops a first test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-presets.h"

/* Names and notes are marked N_(): they are shown through _(). Brand names stay as
 * they are. */
static const SdPreset presets[] = {
  { "builtin", N_("Built-in test server"), "127.0.0.1", 2525, SD_SECURITY_STARTTLS, "auto", NULL,
    N_("SMTP Doctor's own server on this computer: start it with `smtp-doctor-cli serve`.") },
  { "microsoft-365", "Microsoft 365", "smtp.office365.com", 587, SD_SECURITY_STARTTLS, "auto", NULL,
    N_("Needs SMTP AUTH enabled for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled "
       "$false) and for the tenant; Microsoft is retiring basic authentication, OAuth is the way ahead.") },
  { "exchange-frontend", N_("Exchange on-premises (client frontend)"), NULL, 587, SD_SECURITY_STARTTLS,
    "auto", NULL,
    N_("The Client Frontend receive connector offers LOGIN only after STARTTLS when \"Offer basic "
       "authentication only after starting TLS\" is set.") },
  { "exchange-relay", N_("Exchange anonymous relay"), NULL, 25, SD_SECURITY_STARTTLS_OPTIONAL, "none", NULL,
    N_("Relaying needs a receive connector that lists this computer's address and grants "
       "Anonymous Users the right to relay (Ms-Exch-SMTP-Accept-Any-Recipient).") },
  { "gmail", N_("Gmail / Google Workspace (STARTTLS)"), "smtp.gmail.com", 587, SD_SECURITY_STARTTLS,
    "auto", NULL,
    N_("Use an app password (needs 2-Step Verification); the account password is refused.") },
  { "gmail-tls", N_("Gmail / Google Workspace (implicit TLS)"), "smtp.gmail.com", 465, SD_SECURITY_TLS,
    "auto", NULL,
    N_("Use an app password (needs 2-Step Verification); the account password is refused.") },
  { "outlook-com", "Outlook.com", "smtp-mail.outlook.com", 587, SD_SECURITY_STARTTLS, "auto", NULL,
    N_("Personal Microsoft accounts are moving to OAuth; basic authentication may be refused.") },
  { "amazon-ses", "Amazon SES", "email-smtp.us-east-1.amazonaws.com", 587, SD_SECURITY_STARTTLS,
    "auto", NULL,
    N_("Change the region in the host name to yours. The user and password are SMTP credentials "
       "made in the SES console, not IAM keys; in the sandbox, recipients must be verified.") },
  { "sendgrid", "SendGrid", "smtp.sendgrid.net", 587, SD_SECURITY_STARTTLS, "auto", "apikey",
    N_("The user name is literally \"apikey\"; the password is an API key with Mail Send rights.") },
  { "mailgun", "Mailgun", "smtp.mailgun.org", 587, SD_SECURITY_STARTTLS, "auto", NULL,
    N_("Use the domain's SMTP credentials (postmaster@your-domain); EU domains use smtp.eu.mailgun.org.") },
};

const SdPreset *
sd_presets_get (guint *n_presets)
{
  *n_presets = G_N_ELEMENTS (presets);
  return presets;
}

const SdPreset *
sd_presets_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].id, id))
      return &presets[i];
  return NULL;
}

SdProfile *
sd_preset_to_profile (const SdPreset *preset)
{
  SdProfile *profile = sd_profile_new (_(preset->name), NULL);
  SdSettings *s = profile->settings;

  s->host = g_strdup (preset->host);
  s->port = preset->port;
  s->security = preset->security;
  g_free (s->auth);
  s->auth = g_strdup (preset->auth);
  s->user = g_strdup (preset->user_hint);
  profile->note = g_strdup (_(preset->note));
  return profile;
}

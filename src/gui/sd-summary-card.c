/* sd-summary-card.c: what the server told us about itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-gui-private.h"
#include "sd-summary-card.h"

struct _SdSummaryCard
{
  GtkFrame  parent_instance;
  GtkGrid  *grid;
  GString  *text;
  int       n_rows;
};

G_DEFINE_FINAL_TYPE (SdSummaryCard, sd_summary_card, GTK_TYPE_FRAME)

/* Server text, safe for Pango markup. */
static char *
sd_markup (const char *text)
{
  g_autofree char *safe = sd_text_escape (text ? text : "");

  return g_markup_escape_text (safe, -1);
}

static void
sd_summary_card_add_markup (SdSummaryCard *self,
                            const char    *key,
                            const char    *markup,
                            const char    *plain)
{
  GtkWidget *key_label = gtk_label_new (key);
  GtkWidget *value_label = gtk_label_new (NULL);

  gtk_label_set_markup (GTK_LABEL (value_label), markup);
  gtk_label_set_xalign (GTK_LABEL (key_label), 0);
  gtk_label_set_yalign (GTK_LABEL (key_label), 0);
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  sd_label_wrap_as_data (GTK_LABEL (value_label));
  /* Lines longer than this wrap; the window widens the column to fit them on wide screens. */
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 64);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_can_focus (value_label, FALSE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (key_label), "dim-label");
  gtk_grid_attach (self->grid, key_label, 0, self->n_rows, 1, 1);
  gtk_grid_attach (self->grid, value_label, 1, self->n_rows, 1, 1);
  gtk_widget_show (key_label);
  gtk_widget_show (value_label);
  self->n_rows++;
  g_string_append_printf (self->text, "%s: %s\n", key, plain);
}

static void
sd_summary_card_add (SdSummaryCard *self,
                     const char    *key,
                     const char    *value)
{
  g_autofree char *markup = sd_markup (value);
  g_autofree char *plain = sd_text_escape (value ? value : "");

  sd_summary_card_add_markup (self, key, markup, plain);
}

static void
sd_summary_card_remove_all (SdSummaryCard *self)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (self->grid));

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_list_free (children);
  g_string_truncate (self->text, 0);
  self->n_rows = 0;
}

void
sd_summary_card_clear (SdSummaryCard *self)
{
  sd_summary_card_remove_all (self);
  sd_summary_card_add (self, _("Status"), _("No session yet"));
}

/* AUTH after STARTTLS, with what only appeared after TLS in bold: the classic diagnosis. */
static void
sd_summary_card_add_auth (SdSummaryCard  *self,
                          const SdReport *report)
{
  const SdCapabilities *before = report->caps_before_tls;
  const SdCapabilities *after = report->caps_after_tls;
  g_autofree char *before_text = before ? sd_capabilities_dup_auth_string (before) : NULL;
  GString *markup, *plain;

  if (before != NULL)
    sd_summary_card_add (self, after ? _("AUTH before TLS") : _("AUTH"),
                         *before_text ? before_text : _("(none offered)"));
  if (after == NULL)
    return;

  markup = g_string_new (NULL);
  plain = g_string_new (NULL);
  for (guint i = 0; i < after->auth->len; i++)
    {
      const char *mech = after->auth->pdata[i];
      g_autofree char *escaped = sd_markup (mech);
      gboolean is_new = before == NULL || !sd_capabilities_has_auth (before, mech);

      if (i > 0)
        {
          g_string_append_c (markup, ' ');
          g_string_append_c (plain, ' ');
        }
      if (is_new)
        g_string_append_printf (markup, "<span weight=\"bold\" foreground=\"#c64600\">%s</span>", escaped);
      else
        g_string_append (markup, escaped);
      g_string_append_printf (plain, "%s%s", mech, is_new ? "*" : "");
    }
  if (after->auth->len == 0)
    {
      g_string_append (markup, _("(none offered)"));
      g_string_append (plain, _("(none offered)"));
    }
  else if (before != NULL && !g_str_equal (before_text, plain->str))
    {
      g_string_append_printf (markup, "  <i>%s</i>", _("(bold: only after STARTTLS)"));
      g_string_append (plain, _(" (*: only after STARTTLS)"));
    }
  sd_summary_card_add_markup (self, _("AUTH after TLS"), markup->str, plain->str);
  g_string_free (markup, TRUE);
  g_string_free (plain, TRUE);
}

static void
sd_summary_card_add_extensions (SdSummaryCard        *self,
                                const SdCapabilities *caps)
{
  GString *ext = g_string_new (NULL);
  g_autofree char *size = NULL;

  if (caps->has_size)
    {
      /* A 64-bit format would hide the string from xgettext: the number goes in as text. */
      g_autofree char *bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, caps->size);
      /* Translators: the server's size limit: bytes, then megabytes. */
      size = caps->size ? g_strdup_printf (_("%s bytes (%.1f MB)"), bytes, caps->size / 1e6)
                        : g_strdup (_("offered, no limit given"));
    }
  sd_summary_card_add (self, _("SIZE"), size ? size : _("not offered"));
  sd_summary_card_add (self, _("PIPELINING"), caps->pipelining ? _("yes") : _("no"));
#define SD_EXT(flag, name) if (flag) g_string_append_printf (ext, "%s%s", ext->len ? ", " : "", name)
  SD_EXT (caps->starttls, "STARTTLS");
  SD_EXT (caps->chunking, "CHUNKING");
  SD_EXT (caps->eightbitmime, "8BITMIME");
  SD_EXT (caps->smtputf8, "SMTPUTF8");
  SD_EXT (caps->dsn, "DSN");
  SD_EXT (caps->enhancedstatuscodes, "ENHANCEDSTATUSCODES");
#undef SD_EXT
  sd_summary_card_add (self, _("Extensions"), ext->len ? ext->str : _("(none)"));
  g_string_free (ext, TRUE);
}

void
sd_summary_card_set_report (SdSummaryCard  *self,
                            const SdReport *report)
{
  const SdCapabilities *caps = sd_report_get_capabilities (report);

  sd_summary_card_remove_all (self);

  sd_summary_card_add (self, _("Address"), report->address ? report->address : _("(not connected)"));
  if (report->banner != NULL)
    sd_summary_card_add (self, _("Banner"), report->banner);
  if (report->tls != NULL)
    {
      const SdTlsInfo *tls = report->tls;
      g_autofree char *verdict = NULL;
      g_autofree char *verdict_markup = NULL;
      g_autofree char *verdict_escaped = NULL;
      gboolean pin_matched;

      sd_summary_card_add (self, _("TLS version"), tls->version);
      sd_summary_card_add (self, _("Cipher"), tls->cipher);
      if (tls->chain->len > 0)
        {
          const SdCertInfo *leaf = tls->chain->pdata[0];
          g_autofree char *validity = g_strdup_printf (_("%s to %s"), leaf->not_before, leaf->not_after);

          sd_summary_card_add (self, _("Certificate"), leaf->subject);
          sd_summary_card_add (self, _("Issuer"), leaf->self_signed ? _("(self-signed)") : leaf->issuer);
          sd_summary_card_add (self, _("Valid"), validity);
        }
      /* A pin that got us past the handshake matched; the trust store was not asked. */
      pin_matched = g_strcmp0 (tls->policy, "pin") == 0 && (report->ok || report->stage > SD_STAGE_TLS);
      if (tls->verified)
        verdict = g_strdup (_("verified: trusted, and it names the server"));
      else if (pin_matched)
        verdict = g_strdup (_("pinned SHA-256 matches (trust store not consulted)"));
      else
        verdict = g_strdup_printf (_("NOT verified (%s): %s"), tls->policy ? tls->policy : "",
                                   tls->verify_error ? tls->verify_error : _("no reason given"));
      verdict_escaped = sd_markup (verdict);
      verdict_markup = g_strdup_printf ("<span foreground=\"%s\">%s</span>",
                                        tls->verified || pin_matched ? "#26a269" : "#c01c28",
                                        verdict_escaped);
      sd_summary_card_add_markup (self, _("Verification"), verdict_markup, verdict);
    }
  else if (report->caps_before_tls != NULL)
    sd_summary_card_add (self, _("TLS"), _("not used: everything travelled in plain text"));
  sd_summary_card_add_auth (self, report);
  if (caps != NULL)
    sd_summary_card_add_extensions (self, caps);
  if (report->auth_mechanism != NULL)
    sd_summary_card_add (self, report->ok || report->stage > SD_STAGE_AUTH ? _("Logged in with")
                                                                          : _("Tried to log in with"),
                         report->auth_mechanism);
}

char *
sd_summary_card_dup_text (SdSummaryCard *self)
{
  return g_strdup (self->text->str);
}

static void
sd_summary_card_finalize (GObject *object)
{
  SdSummaryCard *self = SD_SUMMARY_CARD (object);

  g_string_free (self->text, TRUE);
  G_OBJECT_CLASS (sd_summary_card_parent_class)->finalize (object);
}

static void
sd_summary_card_class_init (SdSummaryCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_summary_card_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/smtpdoctor/SmtpDoctor/ui/sd-summary-card.ui");
  gtk_widget_class_bind_template_child (widget_class, SdSummaryCard, grid);
}

static void
sd_summary_card_init (SdSummaryCard *self)
{
  self->text = g_string_new (NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  atk_object_set_name (gtk_widget_get_accessible (GTK_WIDGET (self)), _("Server summary"));
  sd_summary_card_clear (self);
}

GtkWidget *
sd_summary_card_new (void)
{
  return g_object_new (SD_TYPE_SUMMARY_CARD, NULL);
}

/* sd-test-idp.h: a scripted OAuth identity provider on 127.0.0.1 (plain HTTP)
 *
 * Each test queues the answers it wants per endpoint; every request is recorded with
 * its form body and arrival time, so tests can check what was sent and when.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SdTestIdp SdTestIdp;

typedef struct {
  char   *path;
  char   *body;      /* the form, still URL-encoded */
  gint64  at_us;     /* monotonic arrival time */
} SdTestIdpRequest;

SdTestIdp              *sd_test_idp_new          (void);
void                    sd_test_idp_free         (SdTestIdp  *idp);
/* "http://127.0.0.1:PORT" */
const char             *sd_test_idp_get_base     (SdTestIdp  *idp);
/* Queues one answer for the next request whose path ends with @suffix ("devicecode",
 * "device/code", "token"). A request nothing is queued for gets HTTP 500. */
void                    sd_test_idp_push         (SdTestIdp  *idp,
                                                  const char *suffix,
                                                  guint       status,
                                                  const char *body);
/* Requests so far whose path ends with @suffix. */
guint                   sd_test_idp_count        (SdTestIdp  *idp,
                                                  const char *suffix);
/* The @n-th such request (a copy the IdP keeps until it is freed). */
const SdTestIdpRequest *sd_test_idp_get_request  (SdTestIdp  *idp,
                                                  const char *suffix,
                                                  guint       n);
/* Whether @body has the form field @name with the (unencoded) @value. */
gboolean                sd_test_idp_form_has     (const char *body,
                                                  const char *name,
                                                  const char *value);

/* A JWT (unsigned, "alg": "none") with @payload_json as its payload. */
char                   *sd_test_idp_make_jwt     (const char *payload_json);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTestIdp, sd_test_idp_free)

G_END_DECLS

/* sd-secret.c: wiping passwords and AUTH payloads after use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>

#include "sd-secret.h"

void
sd_secret_wipe (gpointer data,
                gsize    len)
{
  if (data == NULL || len == 0)
    return;

  /* A plain memset before free is a dead store the optimiser may remove;
   * gnutls_memset is guaranteed to stay. */
  gnutls_memset (data, 0, len);
}

void
sd_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  sd_secret_wipe (secret, strlen (secret));
  g_free (secret);
}

typedef struct {
  guint8 *data;
  gsize   len;
} SecretBlock;

static void
secret_block_free (gpointer user_data)
{
  SecretBlock *block = user_data;

  sd_secret_wipe (block->data, block->len);
  g_free (block->data);
  g_free (block);
}

GBytes *
sd_secret_bytes_take (guint8 *data,
                      gsize   len)
{
  SecretBlock *block = g_new0 (SecretBlock, 1);

  block->data = data;
  block->len = len;

  return g_bytes_new_with_free_func (data, len, secret_block_free, block);
}

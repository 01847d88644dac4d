/* fuzz-client-hello.c: libFuzzer harness for the ClientHello reader
 *
 * Whatever the bytes: no crash, no read past them, and a parsed hello is whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "sd-tls-client-hello.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A copy of exactly @size bytes, so ASan sees any read past the end. */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr(SdTlsClientHello) hello = sd_tls_client_hello_parse (copy, size);
  g_autoptr(SdTlsClientHello) again = NULL;

  if (hello == NULL)
    return 0;
  if (hello->versions == NULL || hello->ciphers == NULL || hello->signature_algorithms == NULL)
    abort ();
  again = sd_tls_client_hello_copy (hello);
  if (again->versions->len != hello->versions->len || again->max_version != hello->max_version)
    abort ();
  return 0;
}
